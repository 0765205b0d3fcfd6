/* thread.h -- naming the program's threads, so that top -H, perf and gdb tell
 * the committer from the HTTP threads. */
#ifndef HD_CORE_THREAD_H
#define HD_CORE_THREAD_H

/* The calling thread's name (at most 15 bytes are kept). */
void thread_set_name(const char *name);

/* Lower the calling thread's priority by n (nice): for background work that
 * must not take the CPU from answering citizens. Best effort. */
void thread_lower_priority(int n);

#endif
