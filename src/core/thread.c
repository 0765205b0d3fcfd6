/* thread.c -- see thread.h. */
#include "core/thread.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

void thread_set_name(const char *name)
{
    if (name)
        prctl(PR_SET_NAME, name, 0, 0, 0);
}

void thread_lower_priority(int n)
{
    /* On Linux a thread's nice value is its own, set through its thread id. */
    id_t tid = (id_t)syscall(SYS_gettid);
    int now = getpriority(PRIO_PROCESS, tid);

    if (n > 0)
        setpriority(PRIO_PROCESS, tid, now + n > 19 ? 19 : now + n);
}
