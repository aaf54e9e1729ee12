/*
 * iso.h - ISO 3166-1 countries and ISO 639-1 languages from iso-codes
 */
#ifndef POCGATE_ISO_H
#define POCGATE_ISO_H

#include <pocgate/strbuf.h>

struct iso;

/* Loads Debian's iso-codes JSON data from dir (NULL: $POCGATE_ISO_CODES,
 * else /usr/share/iso-codes/json). */
int iso_load(const char *dir, struct iso **iso, struct strbuf *err);
void iso_free(struct iso **iso);

/* The short name ("France") of an alpha-3 code, NULL when unknown. */
const char *iso_country_name(const struct iso *iso, const char *alpha3);
/* The official name ("French Republic"), or the short name. */
const char *iso_country_official_name(const struct iso *iso, const char *alpha3);
/* The English name of an ISO 639-1 code, NULL when unknown. */
const char *iso_language_name(const struct iso *iso, const char *alpha2);
/* 1 when code is one of the six UN official languages. */
int iso_un_language(const char *alpha2);

#endif
