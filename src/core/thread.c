/* thread.c -- see thread.h. */
#include "core/thread.h"

#include <sys/prctl.h>

void thread_set_name(const char *name)
{
    if (name)
        prctl(PR_SET_NAME, name, 0, 0, 0);
}
