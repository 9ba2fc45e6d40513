import ISPMonCore
