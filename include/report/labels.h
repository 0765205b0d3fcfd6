/* labels.h -- the Vietnamese words of the report's CSV (header row, the
 * level of each row, the titles of the intents), read from
 * messages/report.json so that no Vietnamese lives in C.
 *
 * Loaded once (app_open, or the CLI before a CSV) and read-only after. */
#ifndef HD_REPORT_LABELS_H
#define HD_REPORT_LABELS_H

#include "nlu/intents.h"

#include <stddef.h>

#define REPORT_LABEL_MAX 120    /* bytes of one label */

/* Keys of "columns", in the CSV's order; the last titles every intent's
 * column ("<it>: <intent title> (<intent id>)"). */
#define REPORT_COLUMN_MAP(X)                                   \
    X(REPORT_COL_LEVEL, "level")                               \
    X(REPORT_COL_PROVINCE_CODE, "province_code")               \
    X(REPORT_COL_PROVINCE_NAME, "province_name")               \
    X(REPORT_COL_COMMUNE_CODE, "commune_code")                 \
    X(REPORT_COL_COMMUNE_NAME, "commune_name")                 \
    X(REPORT_COL_CONVERSATIONS, "conversations")               \
    X(REPORT_COL_HELP_REQUESTS, "help_requests")               \
    X(REPORT_COL_ANSWERED_BY_BOT, "answered_by_bot")           \
    X(REPORT_COL_ESCALATED, "escalated")                       \
    X(REPORT_COL_CASES_OPENED, "cases_opened")                 \
    X(REPORT_COL_CASES_RESOLVED, "cases_resolved")             \
    X(REPORT_COL_CASES_OPEN, "cases_open")                     \
    X(REPORT_COL_CASES_OVERDUE, "cases_overdue")               \
    X(REPORT_COL_MEDIAN_HOURS, "median_hours_to_resolve")      \
    X(REPORT_COL_ACTIVATIONS, "activations")                   \
    X(REPORT_COL_OPT_OUTS, "opt_outs")                         \
    X(REPORT_COL_BY_INTENT, "help_requests_by_intent")

/* Keys of "values": the first column of each kind of row, and the name of
 * a place the contact never gave. */
#define REPORT_VALUE_MAP(X)                                    \
    X(REPORT_VAL_COMMUNE, "commune")                           \
    X(REPORT_VAL_PROVINCE, "province")                         \
    X(REPORT_VAL_TOTAL, "total")                               \
    X(REPORT_VAL_UNKNOWN_PLACE, "unknown_place")

#define REPORT_LABEL_ENUM(e, key) e,
typedef enum { REPORT_COLUMN_MAP(REPORT_LABEL_ENUM) REPORT_COL_COUNT } report_column;
typedef enum { REPORT_VALUE_MAP(REPORT_LABEL_ENUM) REPORT_VAL_COUNT } report_value;
#undef REPORT_LABEL_ENUM

typedef struct report_labels {
    char *column[REPORT_COL_COUNT];
    char *value[REPORT_VAL_COUNT];
    char *intent[NLU_INTENT_COUNT];     /* by nlu_intent */
} report_labels;

/* Reads <messages_dir>/report.json: every key of "columns", "values" and
 * "intents" (each intent id of nlu/intents.h) must be there as a non-empty
 * UTF-8 string of at most REPORT_LABEL_MAX bytes; a missing, empty or
 * unknown key is HD_EPARSE with err naming the file and the key. */
int  report_labels_load(const char *messages_dir, report_labels **out, char *err, size_t errlen);
void report_labels_free(report_labels *l);

#endif
