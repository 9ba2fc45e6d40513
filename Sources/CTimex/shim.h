// adjtimex(2), which the Glibc module leaves out: whether NTP sets the clock.
#include <sys/timex.h>
