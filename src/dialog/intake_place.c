/* intake_place.c -- which commune's police get the case.
 *
 * The citizen types a place the way people do (with or without diacritics,
 * "xã"/"phường", the province, a name from before the 2025 merger) and
 * geo_lookup() ranks the communes it may mean. Only a sure match is taken
 * without asking; otherwise the best few are offered as numbered options,
 * the citizen picks one or types the place again. When nothing is found
 * twice, the case can still go to the province's queue: the citizen is asked
 * for the province and the commune stays unknown ("" in the state). When the
 * province is not recognised twice either, the intake goes on without a
 * place (the officer asks on the phone). Cases are never lost for want of a
 * commune, and nobody is asked the same thing forever. */
#include "intake_int.h"

#include "core/err.h"
#include "dialog/render.h"

#include <stdio.h>
#include <string.h>

#define LOOK_MAX          16   /* matches looked at */
#define COMMUNE_FAILS_MAX 2    /* then ask the province */
#define PROVINCE_FAILS_MAX 2   /* then go on without a place */

static void set_commune(dlg_intake *in, const geo_dir *geo, const geo_commune *c)
{
    const geo_province *p = geo_dir_province(geo, (size_t)c->province);

    snprintf(in->commune, sizeof in->commune, "%s", c->code);
    snprintf(in->province, sizeof in->province, "%s", p ? p->code : "");
}

/* Does the reply still fit one SMS of three parts? */
static int fits_sms(const dlg_reply *rp)
{
    char out[DLG_SMS_MAX + 1];

    return dlg_render(rp, DLG_CH_SMS, out, sizeof out) == HD_OK;
}

/* Append one numbered option line to rp if it still fits; 1 if it did. */
static int add_line(dlg_turn *s, dlg_reply *rp, const char *key, const char *const *kv)
{
    char line[512];
    size_t before = strlen(rp->text);

    dlg_template_fill(dlg_flow_text(s->f, key), kv, line, sizeof line);
    if (dlg_append(rp->text, sizeof rp->text, "\n", line) != HD_OK || !fits_sms(rp)) {
        rp->text[before] = '\0';
        return 0;
    }
    return 1;
}

/* Offer the communes among m as options 1..n; 0 if there are none. */
static int offer_communes(dlg_turn *s, const geo_match *m, int n)
{
    dlg_intake *in = &s->out->state.intake;
    dlg_reply *rp = NULL;
    int k = 0;

    for (int i = 0; i < n && k < DLG_CANDS_MAX; i++) {
        char num[8];
        int old;

        if (!m[i].commune)
            continue;   /* a province alone is no commune to offer */
        if (!rp && !(rp = dlg_intake_say(s, "intake_commune_pick", NULL)))
            return 0;
        snprintf(num, sizeof num, "%d", k + 1);
        old = (m[i].flags & GEO_M_OLD_NAME) && m[i].old_name;
        {
            const char *kv[] = {
                "n", num, "commune", m[i].commune->name, "province", m[i].province->name,
                "old", old ? m[i].old_name : "", NULL
            };
            if (!add_line(s, rp, old ? "intake_commune_option_old" : "intake_commune_option", kv))
                break;
        }
        snprintf(in->cands[k], sizeof in->cands[k], "%s", m[i].commune->code);
        k++;
    }
    in->n_cands = k;
    if (rp && k == 0)   /* nothing fitted: cannot happen with real names */
        s->out->n_replies--;
    return k;
}

/* Offer the provinces as options 1..n. */
static int offer_provinces(dlg_turn *s, const geo_province *const *p, int n)
{
    dlg_intake *in = &s->out->state.intake;
    dlg_reply *rp = dlg_intake_say(s, "intake_province_pick", NULL);
    int k = 0;

    if (!rp)
        return 0;
    for (int i = 0; i < n && k < DLG_CANDS_MAX; i++) {
        char num[8];
        const char *kv[] = { "n", num, "province", p[i]->name, NULL };

        snprintf(num, sizeof num, "%d", k + 1);
        if (!add_line(s, rp, "intake_province_option", kv))
            break;
        snprintf(in->cands[k], sizeof in->cands[k], "%s", p[i]->code);
        k++;
    }
    in->n_cands = k;
    return k;
}

/* The last reply joined to the one before (neither has options), so that
 * a remark and the next question go as one message; left apart if too long. */
static void join_last(dlg_result *r)
{
    dlg_reply *a, *b;

    if (r->n_replies < 2)
        return;
    a = &r->replies[r->n_replies - 2];
    b = &r->replies[r->n_replies - 1];
    if (a->n_options || b->n_options || strlen(a->text) + 1 + strlen(b->text) >= sizeof a->text)
        return;
    dlg_append(a->text, sizeof a->text, "\n", b->text);
    r->n_replies--;
}

/* The option the message picks, 1..n_cands, or 0. */
static int picked(const dlg_turn *s)
{
    int k;

    if (!dlg_number(s->t->folded, &k) || k < 1 || k > s->out->state.intake.n_cands)
        return 0;
    return k;
}

static void commune_answer(dlg_turn *s)
{
    dlg_intake *in = &s->out->state.intake;
    const geo_dir *geo = s->env->geo;
    geo_match m[LOOK_MAX];
    int n = 0, k = picked(s);

    if (k) {
        const geo_commune *c = geo_dir_by_code(geo, in->cands[k - 1]);
        if (c) {
            set_commune(in, geo, c);
            dlg_intake_ask(s, DLG_INTAKE_PHONE);
            return;
        }
    }
    if (geo_lookup(geo, s->t->nfc, s->t->nfc_len, m, LOOK_MAX, &n) != HD_OK)
        n = 0;
    if (n > 0 && m[0].commune && (m[0].flags & GEO_M_SURE)) {
        set_commune(in, geo, m[0].commune);
        dlg_intake_ask(s, DLG_INTAKE_PHONE);
        return;
    }
    in->n_cands = 0;
    memset(in->cands, 0, sizeof in->cands);
    if (offer_communes(s, m, n) > 0)
        return;
    if (++in->fails[DLG_INTAKE_COMMUNE] >= COMMUNE_FAILS_MAX) {
        dlg_intake_ask(s, DLG_INTAKE_PROVINCE);
        return;
    }
    dlg_intake_say(s, "intake_commune_unknown", NULL);
}

/* After the fallback: a province named (alone, or with a commune), or a
 * commune recognised for sure after all. */
static void province_answer(dlg_turn *s)
{
    dlg_intake *in = &s->out->state.intake;
    const geo_dir *geo = s->env->geo;
    const geo_province *prov[DLG_CANDS_MAX];
    geo_match m[LOOK_MAX];
    int n = 0, np = 0, k = picked(s);

    if (k) {
        const geo_province *p = geo_dir_province_by_code(geo, in->cands[k - 1]);
        if (p) {
            in->commune[0] = '\0';
            snprintf(in->province, sizeof in->province, "%s", p->code);
            dlg_intake_ask(s, DLG_INTAKE_PHONE);
            return;
        }
    }
    if (geo_lookup(geo, s->t->nfc, s->t->nfc_len, m, LOOK_MAX, &n) != HD_OK)
        n = 0;
    if (n > 0 && m[0].commune && (m[0].flags & GEO_M_SURE)) {
        set_commune(in, geo, m[0].commune);
        dlg_intake_ask(s, DLG_INTAKE_PHONE);
        return;
    }
    for (int i = 0; i < n && np < DLG_CANDS_MAX; i++) {
        int seen = 0;
        if (!(m[i].flags & (GEO_M_PROVINCE_ONLY | GEO_M_PROVINCE_GIVEN)))
            continue;   /* a commune somewhere says nothing of the province */
        for (int j = 0; j < np; j++)
            seen |= prov[j] == m[i].province;
        if (!seen)
            prov[np++] = m[i].province;
    }
    in->n_cands = 0;
    memset(in->cands, 0, sizeof in->cands);
    if (np == 1) {
        in->commune[0] = '\0';
        snprintf(in->province, sizeof in->province, "%s", prov[0]->code);
        dlg_intake_ask(s, DLG_INTAKE_PHONE);
        return;
    }
    if (np > 1 && offer_provinces(s, prov, np) > 0)
        return;
    if (++in->fails[DLG_INTAKE_PROVINCE] >= PROVINCE_FAILS_MAX) {
        in->commune[0] = in->province[0] = '\0';
        dlg_intake_say(s, "intake_province_skip", NULL);
        dlg_intake_ask(s, DLG_INTAKE_PHONE);
        join_last(s->out);
        return;
    }
    dlg_intake_say(s, "intake_province_unknown", NULL);
}

void dlg_intake_place(dlg_turn *s)
{
    if (!s->env->geo) {   /* the directory went away under a running intake */
        dlg_intake_ask(s, DLG_INTAKE_PHONE);
        return;
    }
    if (s->out->state.intake.step == DLG_INTAKE_PROVINCE)
        province_answer(s);
    else
        commune_answer(s);
}

void dlg_intake_place_names(const dlg_turn *s, char *place, size_t pcap, char *unit, size_t ucap)
{
    const dlg_intake *in = &s->out->state.intake;
    const geo_dir *geo = s->env->geo;
    const geo_commune *c = geo && in->commune[0] ? geo_dir_by_code(geo, in->commune) : NULL;
    const geo_province *p = geo && in->province[0] ? geo_dir_province_by_code(geo, in->province) : NULL;

    if (c) {
        const geo_province *cp = geo_dir_province(geo, (size_t)c->province);
        const char *kv[] = { "commune", c->name, "province", cp ? cp->name : "", NULL };
        dlg_template_fill(dlg_flow_text(s->f, "intake_place_commune"), kv, place, pcap);
        snprintf(unit, ucap, "%s", c->name);
    } else if (p) {
        const char *kv[] = { "province", p->name, NULL };
        dlg_template_fill(dlg_flow_text(s->f, "intake_place_province"), kv, place, pcap);
        snprintf(unit, ucap, "%s", p->name);
    } else {
        snprintf(place, pcap, "%s", dlg_flow_text(s->f, "intake_place_none"));
        snprintf(unit, ucap, "%s", dlg_flow_text(s->f, "intake_unit_none"));
    }
}
