/*
 * NAME
 *	iso - country and language codes from Debian's iso-codes
 * SYNOPSIS
 *	#include <pocgate/iso.h>
 *	iso_load(), iso_free(), iso_country_name(), iso_country_official_name(),
 *	iso_language_name(), iso_un_language()
 * DESCRIPTION
 *	Reads iso_3166-1.json and iso_639-2.json (the entries that carry an
 *	alpha_2 code are ISO 639-1) with jansson into sorted arrays searched
 *	with bsearch(3). The data is maintained by iso-codes; pocgate keeps no
 *	list of its own.
 */
#include <pocgate/iso.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include <pocgate/log.h>
#include <pocgate/xalloc.h>

#define ISO_DEFAULT_DIR "/usr/share/iso-codes/json"

struct iso_entry {
	char *code;	/* owned */
	char *name;	/* owned */
	char *official;	/* owned, may be NULL */
};

struct iso_table {
	struct iso_entry *v;	/* owned */
	size_t n;
};

struct iso {
	struct iso_table countries;
	struct iso_table languages;
};

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct iso_entry *)a)->code, ((const struct iso_entry *)b)->code);
}

/* Loads the array under key from file, taking code from code_key. */
static int load_table(const char *dir, const char *file, const char *key, const char *code_key,
		      struct iso_table *t, struct strbuf *err)
{
	char *path = xasprintf("%s/%s", dir, file);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr), *arr, *item;
	size_t i;
	int rc = -1;

	if (!root) {
		error_set(err, "cannot read '%s': %s (line %d); is the iso-codes package installed?",
			  path, jerr.text, jerr.line);
		goto out;
	}
	arr = json_object_get(root, key);
	if (!json_is_array(arr)) {
		error_set(err, "'%s' has no array '%s'", path, key);
		goto out;
	}
	t->v = xcalloc(json_array_size(arr) + 1, sizeof(*t->v));
	json_array_foreach(arr, i, item) {
		const char *code = json_string_value(json_object_get(item, code_key));
		const char *name = json_string_value(json_object_get(item, "name"));
		const char *off = json_string_value(json_object_get(item, "official_name"));
		if (!code || !name)
			continue;
		t->v[t->n].code = xstrdup(code);
		t->v[t->n].name = xstrdup(name);
		t->v[t->n].official = off ? xstrdup(off) : NULL;
		t->n++;
	}
	qsort(t->v, t->n, sizeof(*t->v), entry_cmp);
	rc = 0;
out:
	json_decref(root);
	free(path);
	return rc;
}

int iso_load(const char *dir, struct iso **isop, struct strbuf *err)
{
	struct iso *iso = xcalloc(1, sizeof(*iso));

	if (!dir)
		dir = getenv("POCGATE_ISO_CODES");
	if (!dir || !*dir)
		dir = ISO_DEFAULT_DIR;
	if (load_table(dir, "iso_3166-1.json", "3166-1", "alpha_3", &iso->countries, err) < 0 ||
	    load_table(dir, "iso_639-2.json", "639-2", "alpha_2", &iso->languages, err) < 0) {
		iso_free(&iso);
		return -1;
	}
	*isop = iso;
	return 0;
}

static void table_release(struct iso_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].code);
		free(t->v[i].name);
		free(t->v[i].official);
	}
	free(t->v);
}

void iso_free(struct iso **isop)
{
	if (!isop || !*isop)
		return;
	table_release(&(*isop)->countries);
	table_release(&(*isop)->languages);
	free(*isop);
	*isop = NULL;
}

static const struct iso_entry *lookup(const struct iso_table *t, const char *code)
{
	struct iso_entry key = { .code = (char *)code };

	return bsearch(&key, t->v, t->n, sizeof(*t->v), entry_cmp);
}

const char *iso_country_name(const struct iso *iso, const char *alpha3)
{
	const struct iso_entry *e = lookup(&iso->countries, alpha3);

	return e ? e->name : NULL;
}

const char *iso_country_official_name(const struct iso *iso, const char *alpha3)
{
	const struct iso_entry *e = lookup(&iso->countries, alpha3);

	return e ? (e->official ? e->official : e->name) : NULL;
}

const char *iso_language_name(const struct iso *iso, const char *alpha2)
{
	const struct iso_entry *e = lookup(&iso->languages, alpha2);

	return e ? e->name : NULL;
}

int iso_un_language(const char *alpha2)
{
	static const char *const un[] = { "ar", "zh", "en", "fr", "ru", "es" };

	for (size_t i = 0; i < sizeof(un) / sizeof(un[0]); i++)
		if (strcmp(un[i], alpha2) == 0)
			return 1;
	return 0;
}
