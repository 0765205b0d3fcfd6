/* test_dialog_template.c -- placeholders filled, unknown ones kept, bounds held. */
#include "core/err.h"
#include "dialog/render.h"
#include "test.h"

static void fills_known(void)
{
    const char *kv[] = { "case_id", "42", "commune", "Phường Ba Đình", NULL };
    char out[128];

    CHECK_INT(dlg_template_fill("Yêu cầu số {case_id} ({commune}).", kv, out, sizeof out), HD_OK);
    CHECK_STR(out, "Yêu cầu số 42 (Phường Ba Đình).");
}

static void keeps_unknown_and_lone_braces(void)
{
    const char *kv[] = { "a", "1", NULL };
    char out[64];

    CHECK_INT(dlg_template_fill("{a}{b} {c", kv, out, sizeof out), HD_OK);
    CHECK_STR(out, "1{b} {c");
    CHECK_INT(dlg_template_fill("none", NULL, out, sizeof out), HD_OK);
    CHECK_STR(out, "none");
}

static void truncates_on_char_boundary(void)
{
    const char *kv[] = { "x", "đđđđđđ", NULL };   /* 2 bytes each */
    char out[8];

    CHECK_INT(dlg_template_fill("a{x}", kv, out, sizeof out), HD_ETOOBIG);
    CHECK_STR(out, "ađđđ");                        /* 1 + 3*2 = 7 bytes + NUL */
    CHECK_INT(dlg_template_fill(NULL, kv, out, sizeof out), HD_EINVAL);
}

TEST_MAIN(T(fills_known), T(keeps_unknown_and_lone_braces), T(truncates_on_char_boundary))
