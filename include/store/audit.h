/* audit.h -- who read or changed what: every read of a case's personal data
 * and every change made by a person goes here. Append-only. The detail is
 * for people reading the log and never holds the ID number, masked or not. */
#ifndef HD_STORE_AUDIT_H
#define HD_STORE_AUDIT_H

#include "store/store.h"

#define AUDIT_ACTION_MAX 48     /* "case.read_pii", "case.claim", "user.add" ... */
#define AUDIT_DETAIL_MAX 512

typedef struct store_audit_row {
    int64_t id, at;
    int64_t user_id;            /* 0 = the system */
    int64_t case_id;            /* 0 = none */
    char    action[AUDIT_ACTION_MAX];
    char    detail[AUDIT_DETAIL_MAX];   /* "" if none */
} store_audit_row;

/* user_id and case_id 0 when none, detail NULL when none. HD_ENOTFOUND
 * when the user or case does not exist, HD_ETOOBIG for an action or detail
 * longer than the limits above. */
int store_audit_add(store *s, int64_t user_id, const char *action, int64_t case_id,
                    const char *detail, int64_t now_ms);

/* Rows matching action (NULL = any) and case_id (0 = any). */
int store_audit_count(store *s, const char *action, int64_t case_id, int64_t *count);

/* The newest max rows of case_id (0 = of all), returned oldest first. */
int store_audit_list(store *s, int64_t case_id, store_audit_row *rows, int max, int *n);

#endif
