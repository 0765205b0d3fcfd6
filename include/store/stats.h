/* stats.h -- counts read at scrape time for GET /metrics. */
#ifndef HD_STORE_STATS_H
#define HD_STORE_STATS_H

#include "store/store.h"

/* Cases open or claimed (*active), and of those the ones created before
 * overdue_before_ms (*overdue): the caller turns the SLA in working hours
 * into that instant, since overdue only grows with age. */
int store_case_counts(store *s, int64_t overdue_before_ms, int64_t *active, int64_t *overdue);

#endif
