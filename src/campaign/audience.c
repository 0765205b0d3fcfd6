/* audience.c -- staff's audience checked and narrowed to what they may
 * reach (campaign/broadcast.h). */
#include "campaign/broadcast.h"

#include "core/err.h"
#include "nlu/intents.h"
#include "store/communes.h"

#include <string.h>

static int segment_ok(const char *seg)
{
    if (strcmp(seg, "all") == 0 || strcmp(seg, "not_activated") == 0)
        return 1;
    return strncmp(seg, "intent:", 7) == 0 && nlu_intent_valid(seg + 7);
}

/* The province of a commune: its code, from the communes table. */
static int commune_province(store *s, const char *code, char *province, size_t cap,
                            char *err, size_t errlen)
{
    store_commune c;
    int rc = store_commune_get(s, code, &c);

    if (rc == HD_ENOTFOUND || rc == HD_EINVAL || rc == HD_ETOOBIG)
        return hd_seterr(err, errlen, HD_EINVAL, "audience.communes: no commune with code \"%s\"",
                         code);
    if (rc)
        return rc;
    if (strlen(c.province_code) >= cap)
        return HD_EDB;
    memcpy(province, c.province_code, strlen(c.province_code) + 1);
    return HD_OK;
}

int campaign_audience_check(store *s, store_audience *a, const char *user_province,
                            char *err, size_t errlen)
{
    char first[STORE_PROVINCE_CODE_MAX] = "", p[STORE_PROVINCE_CODE_MAX];
    int rc, known, mixed = 0;

    if (!s || !a)
        return HD_EINVAL;
    if (!user_province)
        user_province = "";
    if (!a->segment[0])
        memcpy(a->segment, "all", 4);
    if (!segment_ok(a->segment))
        return hd_seterr(err, errlen, HD_EINVAL,
                         "audience.segment: \"all\", \"not_activated\" or \"intent:<intent id>\"");
    if (a->ncommunes < 0 || a->ncommunes > BROADCAST_COMMUNES_MAX)
        return hd_seterr(err, errlen, HD_EINVAL, "audience.communes: at most %d communes",
                         BROADCAST_COMMUNES_MAX);
    if (user_province[0]) {
        if (a->province[0] && strcmp(a->province, user_province) != 0)
            return hd_seterr(err, errlen, HD_EINVAL,
                             "audience.province: this account reaches province %s only",
                             user_province);
        memcpy(a->province, user_province, strlen(user_province) + 1);
    }
    if (a->province[0]) {
        if ((rc = store_province_exists(s, a->province, &known)))
            return rc;
        if (!known)
            return hd_seterr(err, errlen, HD_EINVAL,
                             "audience.province: no province with code \"%s\"", a->province);
    }
    for (int i = 0; i < a->ncommunes; i++) {
        for (int j = 0; j < i; j++)
            if (strcmp(a->communes[i], a->communes[j]) == 0)
                return hd_seterr(err, errlen, HD_EINVAL, "audience.communes: \"%s\" twice",
                                 a->communes[i]);
        if ((rc = commune_province(s, a->communes[i], p, sizeof p, err, errlen)))
            return rc;
        if (a->province[0] && strcmp(p, a->province) != 0)
            return hd_seterr(err, errlen, HD_EINVAL,
                             "audience.communes: %s is not in province %s", a->communes[i],
                             a->province);
        if (!first[0])
            memcpy(first, p, sizeof first);
        else if (strcmp(first, p) != 0)
            mixed = 1;
    }
    if (!a->province[0] && a->ncommunes > 0 && !mixed)
        memcpy(a->province, first, sizeof first);
    return HD_OK;
}
