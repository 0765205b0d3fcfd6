/* test_nlu_normalize.c -- NFC, folding, SMS abbreviations, unaccenting. */
#include "test.h"

#include "core/err.h"
#include "nlu/normalize.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static nlu_text txt;            /* ~10 KB: not on the stack of every case */

static const char *fold(const char *s)
{
    CHECK_INT(nlu_normalize(s, strlen(s), &txt), HD_OK);
    return txt.folded;
}

static int valid_utf8(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (r <= 0)
            return 0;
        i += (size_t)r;
    }
    return 1;
}

static int pure_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

static void nfc_composes(void)
{
    /* "Việt" written with combining circumflex and dot below. */
    CHECK_INT(nlu_normalize("Vie\xcc\x82\xcc\xa3t", 9, &txt), HD_OK);
    CHECK_STR(txt.nfc, "Vi\xe1\xbb\x87t");
    CHECK_INT(txt.nfc_len, strlen("Vi\xe1\xbb\x87t"));
    CHECK_STR(txt.folded, "viet");
    /* Same letters, other order of the two marks: still one NFC form. */
    CHECK_INT(nlu_normalize("Vie\xcc\xa3\xcc\x82t", 9, &txt), HD_OK);
    CHECK_STR(txt.nfc, "Vi\xe1\xbb\x87t");
}

static void folds_case_marks_punctuation(void)
{
    CHECK_STR(fold("Đăng Ký Mức 2"), "dang ky muc 2");
    CHECK_STR(fold("  ĐỊNH DANH điện tử!!!  "), "dinh danh dien tu");
    CHECK_STR(fold("otp...chưa,về???"), "otp chua ve");
    CHECK_STR(fold("Ứng dụng (VNeID) — lỗi"), "ung dung vneid loi");
    CHECK_STR(fold("mức2"), "muc 2");
    CHECK_STR(fold("7h sáng"), "7 gio sang");
    CHECK_STR(fold("ＶＮｅＩＤ"), "vneid");           /* fullwidth letters */
    CHECK_STR(fold("   "), "");
    CHECK_INT(txt.folded_len, 0);
}

static void control_chars_become_spaces(void)
{
    CHECK_INT(nlu_normalize("\tab\x01" "cd\x7f" "gh\r\n", 11, &txt), HD_OK);
    CHECK_STR(txt.nfc, "ab cd gh");
    CHECK_STR(txt.folded, "ab cd gh");
    /* An embedded NUL is a control character too, not an end. */
    CHECK_INT(nlu_normalize("ko\0dc", 5, &txt), HD_OK);
    CHECK_STR(txt.folded, "khong duoc");
}

static void expands_sms_abbreviations(void)
{
    static const char *const cases[][2] = {
        { "ko nhan dc otp", "khong nhan duoc otp" },
        { "k đc", "khong duoc" },
        { "hok biết", "khong biet" },
        { "kg", "khong" },
        { "đc", "duoc" },
        { "sdt", "so dien thoai" },
        { "SĐT", "so dien thoai" },
        { "đổi đt mới", "doi dien thoai moi" },
        { "cccd", "can cuoc cong dan" },
        { "CCCD gắn chip", "can cuoc cong dan gan chip" },
        { "quên tk", "quen tai khoan" },
        { "dk muc 1", "dang ky muc 1" },
        { "đk mức 2", "dang ky muc 2" },
        { "đăng kí", "dang ky" },
        { "quen mk", "quen mat khau" },
        { "ad ơi", "admin oi" },
        { "ad ui", "admin oi" },
        { "nói chuyện vs cán bộ", "noi chuyen voi can bo" },
        { "làm j", "lam gi" },
        { "ntn", "nhu the nao" },
        { "xong r", "xong roi" },
        { "vn eid", "vneid" },
        { "VN-eID", "vneid" },
        { "vnied", "vneid" },
        { "vneld", "vneid" },
        { "ĐDĐT", "dinh danh dien tu" },
        { "định danh đt", "dinh danh dien tu" },
        { "CA phường", "cong an phuong" },
        { "cmnd", "chung minh nhan dan" },
        { "gplx", "giay phep lai xe" },
        { "bhyt", "bao hiem y te" },
        { "lv2", "muc 2" },
        { "alooo", "alo" },
        { "okkk", "ok" },
        { "cảm ơnnnn", "cam on" },
        { "kkk", "kkk" },                           /* laughter, not "khong" */
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = fold(cases[i][0]);
        CHECK_MSG(strcmp(got, cases[i][1]) == 0, "fold(\"%s\") == \"%s\", expected \"%s\"",
                  cases[i][0], got, cases[i][1]);
    }
}

static void hong_depends_on_marks(void)
{
    CHECK_STR(fold("hông nhận được"), "khong nhan duoc");
    CHECK_STR(fold("hong nhan duoc"), "khong nhan duoc");
    CHECK_STR(fold("máy hỏng"), "may hong");
    CHECK_STR(fold("HÔNG được"), "khong duoc");
    CHECK_STR(fold("chị Hồng"), "chi hong");
    CHECK_STR(fold("bi hong roi"), "bi hong roi");
}

static void decodes_telex_leftovers(void)
{
    CHECK_STR(fold("ddawng kys"), "dang ky");
    CHECK_STR(fold("nhaajp max"), "nhap ma");
    CHECK_STR(fold("dduwowcj khoong"), "duoc khong");
    CHECK_STR(fold("wen mk"), "quen mat khau");
    /* Words that only look like Telex stay. */
    CHECK_STR(fold("taxi"), "taxi");
    CHECK_STR(fold("reset"), "reset");
    CHECK_STR(fold("sms ios apps"), "sms ios app");
    CHECK_STR(fold("zalo"), "zalo");
}

static void invalid_utf8_is_replaced(void)
{
    const char bad[] = "a\xff" "b\xc3" "\xe1\xbb" "c\xed\xa0\x80";   /* lone, cut, surrogate */

    CHECK_INT(nlu_normalize(bad, sizeof bad - 1, &txt), HD_OK);
    CHECK(valid_utf8(txt.nfc, txt.nfc_len));
    CHECK(strstr(txt.nfc, "\xef\xbf\xbd") != NULL);
    CHECK(txt.nfc[0] == 'a');
    CHECK_STR(txt.folded, "a b c");
    CHECK(pure_ascii(txt.folded));
}

static void long_input_cut_on_boundary(void)
{
    size_t n = 10000;
    char *s = malloc(n + 1);
    int ok;

    if (!s)
        return;
    /* 2047 ASCII bytes then "ế" (3 bytes) straddling the 2048-byte limit. */
    memset(s, 'a', n);
    memcpy(s + NLU_INPUT_MAX - 1, "\xe1\xba\xbf", 3);
    s[n] = '\0';
    CHECK_INT(nlu_normalize(s, n, &txt), HD_OK);
    CHECK_INT(txt.nfc_len, NLU_INPUT_MAX - 1);
    CHECK(strstr(txt.nfc, "\xef\xbf\xbd") == NULL);
    CHECK(txt.folded_len <= NLU_FOLD_MAX - 1);
    CHECK_INT(strlen(txt.folded), txt.folded_len);

    /* Expansions make the folded form longer than the input: still bounded,
     * and cut between words. */
    for (size_t i = 0; i + 1 < n; i += 2)
        s[i] = 'k', s[i + 1] = ' ';
    CHECK_INT(nlu_normalize(s, n, &txt), HD_OK);
    CHECK(txt.folded_len < NLU_FOLD_MAX);
    CHECK_INT(strlen(txt.folded), txt.folded_len);
    ok = txt.folded_len >= 5 && strcmp(txt.folded + txt.folded_len - 5, "khong") == 0;
    CHECK(ok);

    /* Bytes that are all garbage. */
    for (size_t i = 0; i < n; i++)
        s[i] = (char)(0x80 | (i & 0x3f));
    CHECK_INT(nlu_normalize(s, n, &txt), HD_OK);
    CHECK(valid_utf8(txt.nfc, txt.nfc_len));
    CHECK(txt.nfc_len < NLU_NFC_MAX);
    CHECK_STR(txt.folded, "");
    free(s);
}

static void emoji_only_folds_to_nothing(void)
{
    CHECK_STR(fold("\xf0\x9f\x98\x80\xf0\x9f\x91\x8d\xe2\x9d\xa4\xef\xb8\x8f"), "");
    CHECK(txt.nfc_len > 0);
}

static void rejects_null(void)
{
    char out[8];

    CHECK_INT(nlu_normalize(NULL, 0, &txt), HD_EINVAL);
    CHECK_INT(nlu_normalize("a", 1, NULL), HD_EINVAL);
    CHECK_INT(nlu_unaccent(NULL, 0, out, sizeof out), HD_EINVAL);
    CHECK_INT(nlu_unaccent("a", 1, NULL, 8), HD_EINVAL);
    CHECK_INT(nlu_unaccent("a", 1, out, 0), HD_EINVAL);
}

static const char *unaccent(const char *s)
{
    static char out[1024];

    CHECK_INT(nlu_unaccent(s, strlen(s), out, sizeof out), HD_OK);
    return out;
}

static void unaccent_keeps_case_and_punctuation(void)
{
    CHECK_STR(unaccent("Đăng ký mức 2"), "Dang ky muc 2");
    CHECK_STR(unaccent("Chào anh/chị! Số định danh (12 chữ số)?"),
              "Chao anh/chi! So dinh danh (12 chu so)?");
    CHECK_STR(unaccent("Dòng 1\nDòng 2"), "Dong 1\nDong 2");
    CHECK_STR(unaccent("ĐỊNH DANH ĐIỆN TỬ"), "DINH DANH DIEN TU");
}

static void unaccent_every_vietnamese_letter(void)
{
    const char *lower = "àáảãạ ăằắẳẵặ âầấẩẫậ èéẻẽẹ êềếểễệ ìíỉĩị òóỏõọ ôồốổỗộ ơờớởỡợ "
                        "ùúủũụ ưừứửữự ỳýỷỹỵ đ";
    const char *upper = "ÀÁẢÃẠ ĂẰẮẲẴẶ ÂẦẤẨẪẬ ÈÉẺẼẸ ÊỀẾỂỄỆ ÌÍỈĨỊ ÒÓỎÕỌ ÔỒỐỔỖỘ ƠỜỚỞỠỢ "
                        "ÙÚỦŨỤ ƯỪỨỬỮỰ ỲÝỶỸỴ Đ";

    CHECK_STR(unaccent(lower), "aaaaa aaaaaa aaaaaa eeeee eeeeee iiiii ooooo oooooo oooooo "
                               "uuuuu uuuuuu yyyyy d");
    CHECK_STR(unaccent(upper), "AAAAA AAAAAA AAAAAA EEEEE EEEEEE IIIII OOOOO OOOOOO OOOOOO "
                               "UUUUU UUUUUU YYYYY D");
}

static void unaccent_typography(void)
{
    CHECK_STR(unaccent("Vào “Cá nhân” → ‘Quản lý thiết bị’…"),
              "Vao \"Ca nhan\" -> 'Quan ly thiet bi'...");
    CHECK_STR(unaccent("8–20 ký tự — xong"), "8-20 ky tu - xong");
    CHECK_STR(unaccent("giá 0₫ • miễn phí"), "gia 0d - mien phi");
    CHECK_STR(unaccent("a\xc2\xa0" "b"), "a b");                 /* no-break space */
    CHECK_STR(unaccent("ok \xf0\x9f\x91\x8d"), "ok ");           /* emoji dropped */
    CHECK_STR(unaccent("x\xff" "y"), "x?y");                     /* bad byte */
    /* Decomposed input gives the same result. */
    CHECK_STR(unaccent("Vie\xcc\x82\xcc\xa3t"), "Viet");
}

static void unaccent_output_is_ascii(void)
{
    const char *s = "Để kích hoạt, vào ứng dụng VNeID → chọn “Kích hoạt tài khoản định danh "
                    "điện tử”, nhập số định danh cá nhân (12 số) và số điện thoại đã đăng ký… "
                    "Mật khẩu 8–20 ký tự; passcode 6 số. Liên hệ Công an xã/phường/đặc khu.";

    CHECK(pure_ascii(unaccent(s)));
}

static void unaccent_truncates_whole_characters(void)
{
    char out[6];

    CHECK_INT(nlu_unaccent("abcde", 5, out, sizeof out), HD_OK);
    CHECK_STR(out, "abcde");
    CHECK_INT(nlu_unaccent("abcdef", 6, out, sizeof out), HD_ETOOBIG);
    CHECK_STR(out, "abcde");
    /* "->" does not fit after "abcd": nothing of it is written. */
    CHECK_INT(nlu_unaccent("abcd\xe2\x86\x92", 7, out, sizeof out), HD_ETOOBIG);
    CHECK_STR(out, "abcd");
}

TEST_MAIN(T(nfc_composes), T(folds_case_marks_punctuation), T(control_chars_become_spaces),
          T(expands_sms_abbreviations), T(hong_depends_on_marks), T(decodes_telex_leftovers),
          T(invalid_utf8_is_replaced), T(long_input_cut_on_boundary),
          T(emoji_only_folds_to_nothing), T(rejects_null),
          T(unaccent_keeps_case_and_punctuation), T(unaccent_every_vietnamese_letter),
          T(unaccent_typography), T(unaccent_output_is_ascii),
          T(unaccent_truncates_whole_characters))
