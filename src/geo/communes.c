/* communes.c -- reading the commune directory from data/ and answering
 * simple questions about it. The index used by geo_lookup is built in
 * geo_index.c once everything is read. */
#include "geo_internal.h"
#include "core/buf.h"
#include "core/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GEO_FILE_MAX  (16u << 20)   /* the largest data file we accept */
#define GEO_FIELDS_MAX 8

int geo_index_build(geo_dir *d, char *err, size_t errlen);   /* geo_index.c */

/* Read path whole into b. A missing optional file leaves b empty. */
static int geo_read(const char *path, int optional, buf *b, char *err, size_t errlen)
{
    if (optional && access(path, F_OK) != 0 && errno == ENOENT)
        return HD_OK;
    return buf_read_file(b, path, err, errlen);
}

/* Cut the next line off *pos and split it on tabs, in place. Returns the
 * number of fields, or -1 at the end of the text. */
static int geo_next_line(char **pos, char **field)
{
    char *p = *pos, *end;
    int n = 0;

    if (!p || !*p)
        return -1;
    end = strchr(p, '\n');
    if (end) {
        *end = '\0';
        *pos = end + 1;
    } else {
        *pos = p + strlen(p);
    }
    if (*p && p[strlen(p) - 1] == '\r')
        p[strlen(p) - 1] = '\0';
    field[n++] = p;
    while (n < GEO_FIELDS_MAX && (p = strchr(p, '\t')) != NULL) {
        *p++ = '\0';
        field[n++] = p;
    }
    return n;
}

static int geo_all_digits(const char *s, size_t len)
{
    size_t i;

    if (strlen(s) != len)
        return 0;
    for (i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int geo_grow(void *pp, int *cap, int need, size_t elsize)
{
    void **p = pp;
    int ncap;
    void *q;

    if (need <= *cap)
        return HD_OK;
    ncap = *cap ? *cap * 2 : 64;
    while (ncap < need)
        ncap *= 2;
    q = realloc(*p, (size_t)ncap * elsize);
    if (!q)
        return HD_ENOMEM;
    *p = q;
    *cap = ncap;
    return HD_OK;
}

/* "Tỉnh Lai Châu" -> "Lai Châu" (a pointer into name). */
static const char *geo_short_name(const char *name)
{
    static const char *const prefix[] = { "Tỉnh ", "Thành phố ", "Thủ đô " };
    size_t i;

    for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
        if (strncmp(name, prefix[i], strlen(prefix[i])) == 0)
            return name + strlen(prefix[i]);
    return name;
}

static int geo_prov_cmp(const void *a, const void *b)
{
    return strcmp(((const geo_province *)a)->code, ((const geo_province *)b)->code);
}

static int geo_load_communes(geo_dir *d, char *text, const char *path,
                             char *err, size_t errlen)
{
    char *pos = text, *f[GEO_FIELDS_MAX];
    int nf, line = 0, ccap = 0, pcap = 0, rc = HD_OK, i;
    int remap[100];
    geo_map pmap = { 0 };

    while ((nf = geo_next_line(&pos, f)) >= 0) {
        geo_commune *c;
        int p;

        if (++line == 1) {
            if (strcmp(f[0], "commune_code") != 0) {
                rc = hd_seterr(err, errlen, HD_EPARSE, "%s: no header line", path);
                goto out;
            }
            continue;
        }
        if (nf == 1 && !*f[0])
            continue;
        if (nf < 5 || !geo_all_digits(f[0], 5) || !geo_all_digits(f[3], 2) || !*f[1]) {
            rc = hd_seterr(err, errlen, HD_EPARSE, "%s:%d: malformed line", path, line);
            goto out;
        }
        if ((rc = geo_grow(&d->comm, &ccap, d->ncomm + 1, sizeof(*d->comm))))
            goto out;
        c = &d->comm[d->ncomm];
        memset(c, 0, sizeof(*c));
        memcpy(c->code, f[0], 6);
        if (strcmp(f[2], "Xã") == 0)
            c->type = GEO_TYPE_XA;
        else if (strcmp(f[2], "Phường") == 0)
            c->type = GEO_TYPE_PHUONG;
        else if (strcmp(f[2], "Đặc khu") == 0)
            c->type = GEO_TYPE_DAC_KHU;
        else {
            rc = hd_seterr(err, errlen, HD_EPARSE, "%s:%d: unknown commune type",
                           path, line);
            goto out;
        }
        if (!(c->name = geo_arena_strndup(&d->arena, f[1], strlen(f[1]))))
            goto nomem;
        p = geo_map_get(&pmap, f[3]);
        if (p < 0) {
            geo_province *pr;
            if ((rc = geo_grow(&d->prov, &pcap, d->nprov + 1, sizeof(*d->prov))))
                goto out;
            p = d->nprov++;
            pr = &d->prov[p];
            memset(pr, 0, sizeof(*pr));
            memcpy(pr->code, f[3], 3);
            if (!(pr->name = geo_arena_strndup(&d->arena, f[4], strlen(f[4]))))
                goto nomem;
            pr->short_name = geo_short_name(pr->name);
            /* the key must outlive this loop: the arena copy of the code */
            if ((rc = geo_map_put(&pmap, geo_arena_strndup(&d->arena, f[3], 2), p)))
                goto out;
        }
        c->province = p;
        d->prov[p].ncommunes++;
        d->ncomm++;
    }
    if (d->ncomm == 0) {
        rc = hd_seterr(err, errlen, HD_EPARSE, "%s: no communes", path);
        goto out;
    }
    /* Provinces in code order; communes keep the file's order. */
    qsort(d->prov, (size_t)d->nprov, sizeof(*d->prov), geo_prov_cmp);
    for (i = 0; i < d->nprov; i++)
        remap[geo_map_get(&pmap, d->prov[i].code)] = i;
    for (i = 0; i < d->ncomm; i++)
        d->comm[i].province = remap[d->comm[i].province];
    for (i = 0; i < d->ncomm; i++) {
        if (geo_map_get(&d->code_map, d->comm[i].code) >= 0) {
            rc = hd_seterr(err, errlen, HD_EPARSE, "%s: commune code %s twice",
                           path, d->comm[i].code);
            goto out;
        }
        if ((rc = geo_map_put(&d->code_map, d->comm[i].code, i)))
            goto out;
    }
    goto out;
nomem:
    rc = HD_ENOMEM;
out:
    geo_map_free(&pmap);
    return rc;
}

static int geo_load_old_provinces(geo_dir *d, char *text, const char *path,
                                  geo_map *byname, char *err, size_t errlen)
{
    char *pos = text, *f[GEO_FIELDS_MAX];
    int nf, line = 0, cap = 0, rc;

    while ((nf = geo_next_line(&pos, f)) >= 0) {
        const geo_province *np;
        geo_oldprov *o;

        if (++line == 1 || (nf == 1 && !*f[0]))
            continue;
        np = nf >= 3 ? geo_dir_province_by_code(d, f[2]) : NULL;
        if (!np || !geo_all_digits(f[0], 2) || !*f[1])
            return hd_seterr(err, errlen, HD_EPARSE, "%s:%d: malformed line", path, line);
        if ((rc = geo_grow(&d->oldprov, &cap, d->noldprov + 1, sizeof(*d->oldprov))))
            return rc;
        o = &d->oldprov[d->noldprov];
        memcpy(o->code, f[0], 3);
        o->province = (int)(np - d->prov);
        if (!(o->name = geo_arena_strndup(&d->arena, f[1], strlen(f[1]))))
            return HD_ENOMEM;
        if ((rc = geo_map_put(byname, o->name, d->noldprov)))
            return rc;
        d->noldprov++;
    }
    return HD_OK;
}

static int geo_load_old_communes(geo_dir *d, char *text, const char *path,
                                 const geo_map *provbyname, char *err, size_t errlen)
{
    char *pos = text, *f[GEO_FIELDS_MAX];
    int nf, line = 0, cap = 0, dcap = 0, rc = HD_OK;
    geo_map dmap = { 0 };
    char key[512];

    while ((nf = geo_next_line(&pos, f)) >= 0) {
        geo_oldrow *o;
        int c, k;

        if (++line == 1 || (nf == 1 && !*f[0]))
            continue;
        c = nf >= 4 ? geo_map_get(&d->code_map, f[3]) : -1;
        if (c < 0 || !*f[0] || !*f[1] ||
            (size_t)snprintf(key, sizeof(key), "%s\t%s", f[2], f[1]) >= sizeof(key)) {
            rc = hd_seterr(err, errlen, HD_EPARSE, "%s:%d: malformed line or "
                           "unknown commune code", path, line);
            goto out;
        }
        if ((rc = geo_grow(&d->old, &cap, d->nold + 1, sizeof(*d->old))))
            goto out;
        o = &d->old[d->nold];
        memset(o, 0, sizeof(*o));
        o->commune = c;
        o->oldprov = geo_map_get(provbyname, f[2]);
        if (!(o->name = geo_arena_strndup(&d->arena, f[0], strlen(f[0]))) ||
            !(o->province = geo_arena_strndup(&d->arena, f[2], strlen(f[2]))))
            goto nomem;
        /* One district entry per (old province, district name). */
        k = geo_map_get(&dmap, key);
        if (k < 0) {
            char *kcopy = geo_arena_strndup(&d->arena, key, strlen(key));
            if (!kcopy)
                goto nomem;
            if ((rc = geo_grow(&d->dist, &dcap, d->ndist + 1, sizeof(*d->dist))))
                goto out;
            k = d->ndist++;
            d->dist[k].name = kcopy + strlen(f[2]) + 1;
            d->dist[k].province = d->comm[c].province;
            if ((rc = geo_map_put(&dmap, kcopy, k)))
                goto out;
        }
        o->district_id = k;
        o->district = d->dist[k].name;
        d->nold++;
    }
    goto out;
nomem:
    rc = HD_ENOMEM;
out:
    geo_map_free(&dmap);
    return rc;
}

int geo_dir_load(const char *tsv_path, geo_dir **out, char *err, size_t errlen)
{
    geo_dir *d = NULL;
    buf b;
    char path[4096];
    const char *slash;
    size_t dirlen;
    geo_map provbyname = { 0 };
    int rc;

    buf_init(&b, GEO_FILE_MAX);
    if (!tsv_path || !out)
        return hd_seterr(err, errlen, HD_EINVAL, "geo_dir_load: bad arguments");
    *out = NULL;
    slash = strrchr(tsv_path, '/');
    dirlen = slash ? (size_t)(slash - tsv_path) + 1 : 0;
    if (dirlen + 32 > sizeof(path))
        return hd_seterr(err, errlen, HD_EINVAL, "geo_dir_load: path too long");
    d = calloc(1, sizeof(*d));
    if (!d)
        return HD_ENOMEM;

    if ((rc = geo_read(tsv_path, 0, &b, err, errlen)))
        goto out;
    if ((rc = geo_load_communes(d, b.data ? b.data : (char *)"", tsv_path, err, errlen)))
        goto out;

    memcpy(path, tsv_path, dirlen);
    strcpy(path + dirlen, "provinces_old.tsv");
    buf_reset(&b);
    if ((rc = geo_read(path, 1, &b, err, errlen)))
        goto out;
    if (b.len && (rc = geo_load_old_provinces(d, b.data, path, &provbyname, err, errlen)))
        goto out;

    strcpy(path + dirlen, "communes_old.tsv");
    buf_reset(&b);
    if ((rc = geo_read(path, 1, &b, err, errlen)))
        goto out;
    if (b.len && (rc = geo_load_old_communes(d, b.data, path, &provbyname, err, errlen)))
        goto out;

    rc = geo_index_build(d, err, errlen);
out:
    buf_free(&b);
    geo_map_free(&provbyname);
    if (rc) {
        if (rc == HD_ENOMEM)
            hd_seterr(err, errlen, rc, "geo_dir_load: out of memory");
        geo_dir_free(d);
        return rc;
    }
    *out = d;
    return HD_OK;
}

void geo_dir_free(geo_dir *d)
{
    if (!d)
        return;
    free(d->prov);
    free(d->comm);
    free(d->old);
    free(d->oldprov);
    free(d->dist);
    free(d->comm_dist_off);
    free(d->comm_dist);
    geo_map_free(&d->code_map);
    free(d->names);
    free(d->toks);
    geo_map_free(&d->key_map);
    free(d->vocab);
    free(d->vocab_len);
    geo_map_free(&d->vocab_map);
    free(d->first_off);
    free(d->first_names);
    geo_arena_free(&d->arena);
    free(d);
}

size_t geo_dir_count(const geo_dir *d)
{
    return d ? (size_t)d->ncomm : 0;
}

const geo_commune *geo_dir_commune(const geo_dir *d, size_t i)
{
    return d && i < (size_t)d->ncomm ? &d->comm[i] : NULL;
}

const geo_commune *geo_dir_by_code(const geo_dir *d, const char *code)
{
    int i;

    if (!d || !code)
        return NULL;
    i = geo_map_get(&d->code_map, code);
    return i >= 0 ? &d->comm[i] : NULL;
}

size_t geo_dir_province_count(const geo_dir *d)
{
    return d ? (size_t)d->nprov : 0;
}

const geo_province *geo_dir_province(const geo_dir *d, size_t i)
{
    return d && i < (size_t)d->nprov ? &d->prov[i] : NULL;
}

const geo_province *geo_dir_province_by_code(const geo_dir *d, const char *code)
{
    int i;

    if (!d || !code)
        return NULL;
    for (i = 0; i < d->nprov; i++)
        if (strcmp(d->prov[i].code, code) == 0)
            return &d->prov[i];
    return NULL;
}

size_t geo_dir_old_count(const geo_dir *d)
{
    return d ? (size_t)d->nold : 0;
}

size_t geo_dir_old_province_count(const geo_dir *d)
{
    return d ? (size_t)d->noldprov : 0;
}
