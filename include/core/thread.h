/* thread.h -- naming the program's threads, so that top -H, perf and gdb tell
 * the committer from the HTTP threads. */
#ifndef HD_CORE_THREAD_H
#define HD_CORE_THREAD_H

/* The calling thread's name (at most 15 bytes are kept). */
void thread_set_name(const char *name);

#endif
