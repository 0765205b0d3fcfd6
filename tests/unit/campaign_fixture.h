/* campaign_fixture.h -- what the campaign tests start from (included by
 * test_campaign_*.c, not compiled alone): a database with the communes, the
 * flow, and an environment with both channels and the 22:00-07:00 window. */
#ifndef HD_TEST_CAMPAIGN_FIXTURE_H
#define HD_TEST_CAMPAIGN_FIXTURE_H

#include "test.h"
#include "campaign/planner.h"
#include "core/err.h"
#include "dialog/flow.h"
#include "store/communes.h"
#include "store/store.h"
#include "../../src/store/store_internal.h"

#include <string.h>

static dlg_flow *flow;

static store *open_db(const char *name)
{
    char path[512], err[256] = "";
    store *s = NULL;

    snprintf(path, sizeof path, "%s/%s.db", test_tmpdir(), name);
    CHECK_INT(store_open(path, &s, err, sizeof err), HD_OK);
    CHECK_INT(store_commune_load(s, "data/communes.tsv", NULL, err, sizeof err), HD_OK);
    if (!flow)
        CHECK_INT(dlg_flow_load(test_messages_dir(), &flow, err, sizeof err), HD_OK);
    return s;
}

static campaign_env env(void)
{
    campaign_env e;

    memset(&e, 0, sizeof e);
    e.flow = flow;
    e.sms_ok = e.zalo_ok = 1;
    CHECK_INT(campaign_window_init(&e.window, "22:00", "07:00", 420, NULL, 0), HD_OK);
    return e;
}

#define one_int(s, sql) test_sql_int((s)->db, (sql))
#define exec(s, sql)    test_sql_exec((s)->db, (sql))

#endif
