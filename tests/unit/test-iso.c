/*
 * test-iso.c - unit tests of iso.c: country and language codes
 *
 * Runs against the iso-codes data installed on the machine (or
 * $POCGATE_ISO_CODES), the same data pocgate reads in production.
 */
#include <pocgate/iso.h>

#include "test.h"

static struct iso *iso;

static void country_code_gives_short_and_official_name(void)
{
	CHECK_STR(iso_country_name(iso, "FRA"), "France");
	CHECK_STR(iso_country_official_name(iso, "FRA"), "French Republic");
}

static void official_name_falls_back_to_short_name(void)
{
	/* Canada has no official_name in iso-codes */
	CHECK_STR(iso_country_name(iso, "CAN"), "Canada");
	CHECK_STR(iso_country_official_name(iso, "CAN"), "Canada");
}

static void unknown_country_code_gives_null(void)
{
	CHECK(iso_country_name(iso, "XYZ") == NULL);
	CHECK(iso_country_official_name(iso, "XYZ") == NULL);
	/* lookups are by exact alpha-3 code: no case folding, no alpha-2 */
	CHECK(iso_country_name(iso, "fra") == NULL);
	CHECK(iso_country_name(iso, "FR") == NULL);
}

static void iso_639_1_code_is_a_language_and_xx_is_not(void)
{
	CHECK_STR(iso_language_name(iso, "fr"), "French");
	CHECK(iso_language_name(iso, "sw") != NULL);
	CHECK(iso_language_name(iso, "xx") == NULL);
	/* a three-letter ISO 639-2 code is not an ISO 639-1 code */
	CHECK(iso_language_name(iso, "fra") == NULL);
}

static void un_languages_are_exactly_the_six(void)
{
	static const char *const six[] = { "ar", "zh", "en", "fr", "ru", "es" };
	static const char *const others[] = { "de", "pt", "sw", "", "EN", "eng" };

	for (size_t i = 0; i < sizeof(six) / sizeof(six[0]); i++)
		CHECK(iso_un_language(six[i]) == 1);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		CHECK(iso_un_language(others[i]) == 0);
}

static void missing_data_directory_is_a_clear_error(void)
{
	struct strbuf err = STRBUF_INIT;
	struct iso *none = NULL;

	CHECK(iso_load("/nonexistent/iso-codes", &none, &err) == -1);
	CHECK(none == NULL);
	CHECK_CONTAINS(err.buf, "/nonexistent/iso-codes/iso_3166-1.json");
	sb_release(&err);
}

int main(void)
{
	struct strbuf err = STRBUF_INIT;

	if (iso_load(NULL, &iso, &err) < 0) {
		printf("not ok - iso_load: %s\n", err.buf);
		sb_release(&err);
		return 1;
	}
	RUN(country_code_gives_short_and_official_name);
	RUN(official_name_falls_back_to_short_name);
	RUN(unknown_country_code_gives_null);
	RUN(iso_639_1_code_is_a_language_and_xx_is_not);
	RUN(un_languages_are_exactly_the_six);
	RUN(missing_data_directory_is_a_clear_error);
	iso_free(&iso);
	sb_release(&err);
	TEST_EXIT();
}
