print("ispmon")
