/* state_intake.c -- the running intake inside the state JSON.
 *
 * "intake":{"step":"commune","kind":"device_change","reason":"device_change",
 *           "name":"Nguyễn Văn An","id":"********1234","cands":["03408","03970"],
 *           "fails":[0,1,0,0,0,0,0]}
 * Written only while an intake runs; empty strings and zeros are left out.
 * A stored intake is checked as strictly as the rest of the state: anything
 * out of shape refuses the whole state (dlg_state_decode), and a state handed
 * to dlg_step directly loses its intake rather than walk a broken one. */
#include "core/utf8.h"
#include "intake_int.h"

#include "core/err.h"
#include "pii/idnum.h"

#include <stdio.h>
#include <string.h>

#define FAILS_MAX 1000

static const char *const step_names[DLG_INTAKE_STEPS] = {
    "", "name", "id", "commune", "province", "phone", "desc", "confirm"
};

static int digits_ok(const char *s, size_t n)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return i == n;
}

static int id_ok(const char *s)
{
    size_t n = 0;

    for (; *s; s++, n++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return n > 0 && n < DLG_ID_MAX;
}

/* One line of valid UTF-8, as dlg_clean_line() and dlg_mask_idnums() make
 * it: an ID number in full is refused even here. */
static int line_ok(const char *s, size_t chars)
{
    char masked[DLG_DESC_MAX];
    size_t n = strlen(s);

    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < ' ' || *p == '{' || *p == '}')
            return 0;
    if (n >= sizeof masked || !dlg_utf8_valid(s) || utf8_chars(s) > chars)
        return 0;
    memcpy(masked, s, n + 1);
    dlg_mask_idnums(masked);
    return strcmp(masked, s) == 0;
}

/* National form: a mobile (0 + 9 digits) or a landline (02 + 9 digits). */
static int phone_ok(const char *s)
{
    return s[0] == '0' && (digits_ok(s, DLG_PHONE_MAX - 1) ||
                           (s[1] == '2' && digits_ok(s, DLG_PHONE_MAX)));
}

static int mask_ok(const char *s)
{
    return !s[0] || (strlen(s) == IDNUM_DIGITS && strspn(s, "*") == 8 && digits_ok(s + 8, 4));
}

/* Is in (strings terminated) a running intake the engine can walk? */
static int intake_valid(const dlg_intake *in)
{
    int cand_len = in->step == DLG_INTAKE_PROVINCE ? 2 : 5;

    if ((int)in->step <= DLG_INTAKE_NONE || (int)in->step >= DLG_INTAKE_STEPS)
        return 0;
    if (strcmp(in->kind, "device_change") && strcmp(in->kind, "phone_change") &&
        strcmp(in->kind, "other"))
        return 0;
    if (!id_ok(in->reason) || !line_ok(in->name, DLG_NAME_CHARS) ||
        !line_ok(in->desc, DLG_DESC_CHARS) || !mask_ok(in->id_mask) ||
        (in->id_recheck != 0 && in->id_recheck != 1) ||
        (in->commune[0] && !digits_ok(in->commune, 5)) ||
        (in->province[0] && !digits_ok(in->province, 2)) ||
        (in->phone[0] && !phone_ok(in->phone)))
        return 0;
    if (in->n_cands < 0 || in->n_cands > DLG_CANDS_MAX ||
        (in->n_cands && in->step != DLG_INTAKE_COMMUNE && in->step != DLG_INTAKE_PROVINCE))
        return 0;
    for (int i = 0; i < in->n_cands; i++)
        if (!digits_ok(in->cands[i], (size_t)cand_len))
            return 0;
    for (int i = 0; i < DLG_INTAKE_STEPS; i++)
        if (in->fails[i] < 0 || in->fails[i] > FAILS_MAX)
            return 0;
    return 1;
}

void dlg_intake_sanitize(dlg_intake *in)
{
    in->kind[sizeof in->kind - 1] = '\0';
    in->reason[sizeof in->reason - 1] = '\0';
    in->name[sizeof in->name - 1] = '\0';
    in->id_mask[sizeof in->id_mask - 1] = '\0';
    in->commune[sizeof in->commune - 1] = '\0';
    in->province[sizeof in->province - 1] = '\0';
    for (int i = 0; i < DLG_CANDS_MAX; i++)
        in->cands[i][sizeof in->cands[i] - 1] = '\0';
    in->phone[sizeof in->phone - 1] = '\0';
    in->desc[sizeof in->desc - 1] = '\0';
    if (!intake_valid(in))
        dlg_intake_clear(in);
}

static int add_str(cJSON *o, const char *key, const char *val)
{
    return !val[0] || cJSON_AddStringToObject(o, key, val) != NULL;
}

int dlg_intake_to_json(const dlg_intake *in, cJSON *parent)
{
    cJSON *o, *a;
    int fails[DLG_INTAKE_STEPS - 1];

    if (in->step == DLG_INTAKE_NONE)
        return HD_OK;
    if ((int)in->step < 0 || (int)in->step >= DLG_INTAKE_STEPS)
        return HD_EINVAL;
    o = cJSON_AddObjectToObject(parent, "intake");
    if (!o || !cJSON_AddStringToObject(o, "step", step_names[in->step]) ||
        !add_str(o, "kind", in->kind) || !add_str(o, "reason", in->reason) ||
        !add_str(o, "name", in->name) || !add_str(o, "id", in->id_mask) ||
        (in->id_recheck && !cJSON_AddNumberToObject(o, "recheck", 1)) ||
        !add_str(o, "commune", in->commune) || !add_str(o, "province", in->province) ||
        !add_str(o, "phone", in->phone) || !add_str(o, "desc", in->desc))
        return HD_ENOMEM;
    if (in->n_cands > 0) {
        const char *c[DLG_CANDS_MAX];
        int n = in->n_cands > DLG_CANDS_MAX ? DLG_CANDS_MAX : in->n_cands;
        for (int i = 0; i < n; i++)
            c[i] = in->cands[i];
        if (!(a = cJSON_CreateStringArray(c, n)) || !cJSON_AddItemToObject(o, "cands", a)) {
            cJSON_Delete(a);
            return HD_ENOMEM;
        }
    }
    for (int i = 1; i < DLG_INTAKE_STEPS; i++)
        fails[i - 1] = in->fails[i];
    if (!(a = cJSON_CreateIntArray(fails, DLG_INTAKE_STEPS - 1)) || !cJSON_AddItemToObject(o, "fails", a)) {
        cJSON_Delete(a);
        return HD_ENOMEM;
    }
    return HD_OK;
}

/* A string member into dst (cap bytes); absent leaves "". */
static int get_str(const cJSON *o, const char *key, char *dst, size_t cap)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!it)
        return HD_OK;
    if (!cJSON_IsString(it) || strlen(it->valuestring) >= cap)
        return HD_EPARSE;
    memcpy(dst, it->valuestring, strlen(it->valuestring) + 1);
    return HD_OK;
}

int dlg_intake_from_json(const cJSON *item, dlg_intake *out)
{
    const cJSON *it;
    char step[16] = "";
    dlg_intake in;
    int i;

    dlg_intake_clear(out);
    if (!item)
        return HD_OK;
    if (!cJSON_IsObject(item))
        return HD_EPARSE;
    memset(&in, 0, sizeof in);
    if (get_str(item, "step", step, sizeof step) || get_str(item, "kind", in.kind, sizeof in.kind) ||
        get_str(item, "reason", in.reason, sizeof in.reason) ||
        get_str(item, "name", in.name, sizeof in.name) ||
        get_str(item, "id", in.id_mask, sizeof in.id_mask) ||
        get_str(item, "commune", in.commune, sizeof in.commune) ||
        get_str(item, "province", in.province, sizeof in.province) ||
        get_str(item, "phone", in.phone, sizeof in.phone) ||
        get_str(item, "desc", in.desc, sizeof in.desc))
        return HD_EPARSE;
    for (i = 1; i < DLG_INTAKE_STEPS && strcmp(step, step_names[i]); i++)
        ;
    in.step = (dlg_intake_step)i;   /* DLG_INTAKE_STEPS if unknown: refused below */
    if ((it = cJSON_GetObjectItemCaseSensitive(item, "recheck")) != NULL) {
        if (!cJSON_IsNumber(it) || (it->valuedouble != 0 && it->valuedouble != 1))
            return HD_EPARSE;
        in.id_recheck = (int)it->valuedouble;
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(item, "cands")) != NULL) {
        const cJSON *c;
        if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) > DLG_CANDS_MAX)
            return HD_EPARSE;
        cJSON_ArrayForEach(c, it) {
            if (!cJSON_IsString(c) || strlen(c->valuestring) >= sizeof in.cands[0])
                return HD_EPARSE;
            memcpy(in.cands[in.n_cands++], c->valuestring, strlen(c->valuestring) + 1);
        }
    }
    if ((it = cJSON_GetObjectItemCaseSensitive(item, "fails")) != NULL) {
        const cJSON *c;
        if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != DLG_INTAKE_STEPS - 1)
            return HD_EPARSE;
        i = 1;
        cJSON_ArrayForEach(c, it) {
            if (!cJSON_IsNumber(c) || c->valuedouble < 0 || c->valuedouble > FAILS_MAX ||
                c->valuedouble != (double)(int)c->valuedouble)
                return HD_EPARSE;
            in.fails[i++] = (int)c->valuedouble;
        }
    }
    if (!intake_valid(&in))
        return HD_EPARSE;
    *out = in;
    return HD_OK;
}
