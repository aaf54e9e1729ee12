/*
 * test-conf.c - unit tests of conf.c: loading and checking pocgate.conf
 *
 * Every test writes its configuration into a fresh temporary directory,
 * starting from the structure of conf/pocgate.conf, and checks the loaded
 * values or the exact "FILE:LINE: setting: what is wrong" lines. Password
 * files exist only in the tests that are about them.
 */
#include <pocgate/conf.h>
#include <pocgate/log.h>

#include <sys/stat.h>

#include "test.h"

/* The required settings only; line numbers below count from here. */
#define MINIMAL_MANAGER                                                                            \
	"manager = {\n"                                                                            \
	"  name = \"UNODA, POC Directory Manager\";\n"                                             \
	"  address = \"poc-directory@unoda.test\";\n"                                              \
	"};\n"
#define MINIMAL_SIGNING                                                                            \
	"signing = {\n"                                                                            \
	"  fingerprint = \"0123456789ABCDEF0123456789ABCDEF01234567\";\n"                          \
	"};\n"
#define MINIMAL_SMTP "smtp = {\n  host = \"smtp.unoda.test\";\n};\n"
#define MINIMAL_IMAP "imap = {\n  host = \"imap.unoda.test\";\n};\n"
#define MINIMAL                                                                                    \
	"database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING MINIMAL_SMTP MINIMAL_IMAP

struct fixture {
	char *dir;
	char path[512];
	struct strbuf problems;
	struct conf *conf;
};

/* A fresh directory DIR, to hold DIR/pocgate.conf. */
static void setup(struct fixture *fx)
{
	fx->dir = test_tmpdir();
	snprintf(fx->path, sizeof(fx->path), "%s/pocgate.conf", fx->dir);
	sb_init(&fx->problems, 0);
	fx->conf = NULL;
}

/* Writes text as DIR/pocgate.conf and loads it. */
static void write_and_load(struct fixture *fx, const char *text)
{
	test_write_file(fx->path, text);
	fx->conf = conf_load(fx->path, &fx->problems);
}

static void load(struct fixture *fx, const char *text)
{
	setup(fx);
	write_and_load(fx, text);
}

static void done(struct fixture *fx)
{
	conf_free(&fx->conf);
	sb_release(&fx->problems);
	test_tmpdir_remove(fx->dir);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Checks that problems hold exactly the line "PATH:LINE: rest". */
static void check_problem_line(const struct fixture *fx, unsigned line, const char *rest)
{
	char want[1024];

	snprintf(want, sizeof(want), "%s:%u: %s\n", fx->path, line, rest);
	CHECK_CONTAINS(fx->problems.buf, want);
}

static void write_secret(const char *path, mode_t mode)
{
	test_write_file(path, "s3cret\n");
	if (chmod(path, mode) < 0) {
		perror(path);
		exit(2);
	}
}

static void sample_configuration_loads_clean(void)
{
	const char *top = getenv("POCGATE_TOP");
	const char *db = "database = \"/var/lib/pocgate/pocgate.db\";";
	char sample[512], want[600];
	struct strbuf text = STRBUF_INIT, edited = STRBUF_INIT;
	struct fixture fx;
	char *at;

	snprintf(sample, sizeof(sample), "%s/conf/pocgate.conf", top && *top ? top : ".");
	if (sb_read_file(&text, sample) < 0) {
		printf("#   cannot read %s (run from the top directory)\n", sample);
		CHECK(!"sample configuration readable");
		return;
	}
	at = strstr(text.buf, db);
	CHECK(at != NULL);
	if (!at) {
		sb_release(&text);
		return;
	}
	sb_add(&edited, text.buf, (size_t)(at - text.buf));
	sb_addstr(&edited, "database = \"state/pocgate.db\";");
	sb_addstr(&edited, at + strlen(db));
	load(&fx, edited.buf);
	CHECK_STR(fx.problems.buf, "");
	CHECK(fx.conf != NULL);
	if (fx.conf) {
		snprintf(want, sizeof(want), "%s/state/pocgate.db", fx.dir);
		CHECK_STR(fx.conf->database, want);
		CHECK_STR(fx.conf->templates, "/usr/local/share/pocgate/templates");
		CHECK(fx.conf->log_level == LOG_LVL_INFO);
		CHECK_STR(fx.conf->manager_name, "UNODA, POC Directory Manager");
		CHECK_STR(fx.conf->manager_address, "poc-directory@unoda.test");
		CHECK(fx.conf->manager_reply_to == NULL);
		CHECK_STR(fx.conf->signing_fingerprint, "0123456789ABCDEF0123456789ABCDEF01234567");
		CHECK_STR(fx.conf->smtp.host, "smtp.unoda.test");
		CHECK(fx.conf->smtp.security == SECURITY_STARTTLS);
		CHECK(fx.conf->smtp.port == 587);
		CHECK(fx.conf->smtp.timeout == 60);
		CHECK(fx.conf->smtp.password_file == NULL);
		CHECK_STR(fx.conf->imap.host, "imap.unoda.test");
		CHECK(fx.conf->imap.security == SECURITY_TLS);
		CHECK(fx.conf->imap.port == 993);
		CHECK_STR(fx.conf->imap_folder, "INBOX");
		CHECK(fx.conf->cycle_start == 1800003600); /* 2027-01-15 09:00 UTC */
		CHECK(fx.conf->cycle_every_months == 6);
		CHECK(fx.conf->cycle_ndates == 0);
		CHECK(fx.conf->response_window == 172800);
		CHECK(fx.conf->reminder == 86400);
		CHECK(fx.conf->escalation_repeat == 604800);
		CHECK(fx.conf->escalation_max == 3);
	}
	sb_release(&text);
	sb_release(&edited);
	done(&fx);
}

static void defaults_are_applied_to_a_minimal_configuration(void)
{
	struct fixture fx;

	load(&fx, MINIMAL);
	CHECK_STR(fx.problems.buf, "");
	CHECK(fx.conf != NULL);
	if (fx.conf) {
		CHECK_STR(fx.conf->templates, POCGATE_TEMPLATES_DIR); /* from the Makefile: PREFIX */
		CHECK(fx.conf->log_level == LOG_LVL_INFO);
		CHECK(fx.conf->response_window == 172800);
		CHECK(fx.conf->reminder == 86400);
		CHECK(fx.conf->escalation_repeat == 604800);
		CHECK(fx.conf->escalation_max == 3);
		CHECK(fx.conf->cycle_every_months == 6);
		CHECK(fx.conf->cycle_start == 0);
		CHECK(fx.conf->smtp.security == SECURITY_STARTTLS);
		CHECK(fx.conf->smtp.port == 587);
		CHECK(fx.conf->smtp.timeout == 60);
		CHECK(fx.conf->smtp.user == NULL);
		CHECK(fx.conf->smtp.ca_file == NULL);
		CHECK(fx.conf->imap.security == SECURITY_STARTTLS);
		CHECK(fx.conf->imap.port == 143);
		CHECK(fx.conf->imap.timeout == 60);
		CHECK_STR(fx.conf->imap_folder, "INBOX");
		CHECK(fx.conf->signing_gnupghome == NULL);
	}
	done(&fx);
}

static void default_ports_follow_security(void)
{
	static const struct {
		const char *security;
		int smtp, imap;
	} cases[] = {
		{ "starttls", 587, 143 },
		{ "tls", 465, 993 },
		{ "none", 25, 143 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fixture fx;
		char text[2048];

		snprintf(text, sizeof(text),
			 "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING
			 "smtp = { host = \"smtp.unoda.test\"; security = \"%s\"; };\n"
			 "imap = { host = \"imap.unoda.test\"; security = \"%s\"; };\n",
			 cases[i].security, cases[i].security);
		load(&fx, text);
		CHECK_STR(fx.problems.buf, "");
		CHECK(fx.conf != NULL);
		if (fx.conf) {
			if (fx.conf->smtp.port != cases[i].smtp ||
			    fx.conf->imap.port != cases[i].imap)
				printf("#   security %s: smtp port %d, imap port %d\n",
				       cases[i].security, fx.conf->smtp.port, fx.conf->imap.port);
			CHECK(fx.conf->smtp.port == cases[i].smtp);
			CHECK(fx.conf->imap.port == cases[i].imap);
		}
		done(&fx);
	}
}

static void explicit_port_is_kept(void)
{
	struct fixture fx;

	load(&fx, "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING
		  "smtp = { host = \"smtp.unoda.test\"; security = \"tls\"; port = 2465; };\n"
		  "imap = { host = \"imap.unoda.test\"; port = 10143; };\n");
	CHECK_STR(fx.problems.buf, "");
	CHECK(fx.conf && fx.conf->smtp.port == 2465);
	CHECK(fx.conf && fx.conf->imap.port == 10143);
	done(&fx);
}

static void misspelt_top_level_name_is_reported_with_line_and_suggestion(void)
{
	struct fixture fx;

	load(&fx, "# pocgate.conf\n"
		  "\n"
		  "databse = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING MINIMAL_SMTP
		      MINIMAL_IMAP);
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 3, "databse: unknown setting (did you mean 'database'?)");
	done(&fx);
}

static void misspelt_nested_name_is_reported_with_line_and_suggestion(void)
{
	struct fixture fx;

	load(&fx, MINIMAL_SIGNING "database = \"pocgate.db\";\n" MINIMAL_MANAGER "smtp = {\n"
				  "  security = \"starttls\";\n"
				  "  hots = \"smtp.unoda.test\";\n"
				  "};\n" MINIMAL_IMAP);
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 11, "smtp.hots: unknown setting (did you mean 'smtp.host'?)");
	done(&fx);
}

static void name_far_from_any_setting_gets_no_suggestion(void)
{
	struct fixture fx;

	load(&fx, MINIMAL "colour = \"blue\";\n");
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 15, "colour: unknown setting");
	CHECK(strstr(fx.problems.buf, "did you mean") == NULL);
	done(&fx);
}

static void string_where_integer_expected_is_reported(void)
{
	struct fixture fx;

	load(&fx, "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING "smtp = {\n"
		  "  host = \"smtp.unoda.test\";\n"
		  "  port = \"587\";\n"
		  "};\n" MINIMAL_IMAP);
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 11, "smtp.port: must be an integer");
	done(&fx);
}

static void integer_where_duration_expected_is_reported(void)
{
	struct fixture fx;

	load(&fx, MINIMAL "cycle = {\n  response_window = 48;\n};\n");
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 16, "cycle.response_window: must be a string in double quotes");
	done(&fx);
}

static void duration_without_unit_is_reported(void)
{
	struct fixture fx;

	load(&fx, MINIMAL "cycle = {\n  escalation_repeat = \"7\";\n};\n");
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 16,
			   "cycle.escalation_repeat: '7' is not a duration with a unit, like "
			   "\"48h\", \"30m\" or \"5s\"");
	done(&fx);
}

static void integer_out_of_range_is_reported(void)
{
	struct fixture fx;

	load(&fx, MINIMAL "cycle = {\n  every_months = 0;\n  escalation_max = 101;\n};\n");
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 16, "cycle.every_months: 0 is out of range 1..120");
	check_problem_line(&fx, 17, "cycle.escalation_max: 101 is out of range 1..100");
	done(&fx);
}

static void port_out_of_range_is_reported(void)
{
	struct fixture fx;

	load(&fx, "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING MINIMAL_SMTP
		  "imap = {\n"
		  "  host = \"imap.unoda.test\";\n"
		  "  port = 70000;\n"
		  "};\n");
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 14, "imap.port: 70000 is out of range 0..65535");
	done(&fx);
}

static void duration_out_of_range_is_reported(void)
{
	struct fixture fx;

	load(&fx, MINIMAL "cycle = {\n  response_window = \"400d\";\n};\n");
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 16, "cycle.response_window: '400d' is out of range 1s..365d");
	done(&fx);
}

static void sizes_take_units(void)
{
	struct fixture fx;

	load(&fx, MINIMAL);
	CHECK(fx.conf != NULL);
	CHECK(fx.conf->imap_max_size == 25 << 20); /* the default, "25M" */
	conf_free(&fx.conf);
	write_and_load(&fx, "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING MINIMAL_SMTP
			    "imap = {\n  host = \"imap.unoda.test\";\n  max_size = \"512K\";\n};\n");
	CHECK(fx.conf != NULL && fx.conf->imap_max_size == 512 << 10);
	conf_free(&fx.conf);
	write_and_load(&fx, "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING MINIMAL_SMTP
			    "imap = {\n  host = \"imap.unoda.test\";\n  max_size = \"4096\";\n};\n");
	CHECK(fx.conf != NULL && fx.conf->imap_max_size == 4096);
	done(&fx);
}

static void bad_sizes_are_reported(void)
{
	struct fixture fx;

	load(&fx, "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING MINIMAL_SMTP
		  "imap = {\n  host = \"imap.unoda.test\";\n  max_size = \"25MB\";\n};\n");
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 14, "imap.max_size: '25MB' is not a size in bytes, or with a unit, "
				    "like \"25M\", \"512K\" or \"1G\"");
	done(&fx);
	load(&fx, "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING MINIMAL_SMTP
		  "imap = {\n  host = \"imap.unoda.test\";\n  max_size = \"2G\";\n};\n");
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 14, "imap.max_size: '2G' is out of range 1K..1G");
	done(&fx);
	load(&fx, "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING MINIMAL_SMTP
		  "imap = {\n  host = \"imap.unoda.test\";\n  max_size = \"100\";\n};\n");
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 14, "imap.max_size: '100' is out of range 1K..1G");
	done(&fx);
}

static void missing_required_settings_are_reported(void)
{
	struct fixture fx;

	load(&fx,
	     "manager = {\n  name = \"UNODA\";\n};\n" MINIMAL_SIGNING MINIMAL_SMTP MINIMAL_IMAP);
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 0, "database: required setting is missing");
	check_problem_line(&fx, 0, "manager.address: required setting is missing");
	CHECK(count_lines(fx.problems.buf) == 2);
	done(&fx);
}

static void missing_required_group_is_reported(void)
{
	struct fixture fx;

	load(&fx, "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SMTP MINIMAL_IMAP);
	CHECK(fx.conf == NULL);
	check_problem_line(&fx, 0, "signing: required setting is missing");
	check_problem_line(&fx, 0, "signing.fingerprint: required setting is missing");
	done(&fx);
}

static void password_file_readable_by_others_is_reported(void)
{
	struct fixture fx;
	char secret[600], want[1024];

	setup(&fx);
	snprintf(secret, sizeof(secret), "%s/smtp.pass", fx.dir);
	write_secret(secret, 0644);
	write_and_load(&fx,
		       "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING "smtp = {\n"
		       "  host = \"smtp.unoda.test\";\n"
		       "  user = \"poc-directory\";\n"
		       "  password_file = \"smtp.pass\";\n"
		       "};\n" MINIMAL_IMAP);
	CHECK(fx.conf == NULL);
	snprintf(want, sizeof(want),
		 "smtp.password_file: '%s' is accessible by others (mode 0644): run chmod o-rw",
		 secret);
	check_problem_line(&fx, 12, want);
	CHECK(count_lines(fx.problems.buf) == 1);
	done(&fx);
}

static void password_file_private_to_its_owner_is_accepted(void)
{
	struct fixture fx;
	char secret[600];

	setup(&fx);
	snprintf(secret, sizeof(secret), "%s/imap.pass", fx.dir);
	write_secret(secret, 0600);
	write_and_load(&fx,
		       "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING MINIMAL_SMTP
		       "imap = {\n"
		       "  host = \"imap.unoda.test\";\n"
		       "  user = \"poc-directory\";\n"
		       "  password_file = \"imap.pass\";\n"
		       "};\n");
	CHECK_STR(fx.problems.buf, "");
	CHECK(fx.conf != NULL);
	if (fx.conf) {
		CHECK_STR(fx.conf->imap.password_file, secret);
		CHECK_STR(fx.conf->imap.user, "poc-directory");
	}
	done(&fx);
}

static void missing_password_file_is_reported(void)
{
	struct fixture fx;
	char want[1024];

	load(&fx, "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING "smtp = {\n"
		  "  host = \"smtp.unoda.test\";\n"
		  "  user = \"poc-directory\";\n"
		  "  password_file = \"smtp.pass\";\n"
		  "};\n" MINIMAL_IMAP);
	CHECK(fx.conf == NULL);
	snprintf(want, sizeof(want),
		 "smtp.password_file: cannot read '%s/smtp.pass': No such file or directory",
		 fx.dir);
	check_problem_line(&fx, 12, want);
	done(&fx);
}

static void relative_paths_resolve_against_the_config_directory(void)
{
	char *dir = test_tmpdir();
	char sub[512], path[600], want[700];
	struct strbuf problems = STRBUF_INIT;
	struct conf *conf;

	snprintf(sub, sizeof(sub), "%s/etc", dir);
	CHECK(mkdir(sub, 0700) == 0);
	snprintf(path, sizeof(path), "%s/pocgate.conf", sub);
	test_write_file(path, "database = \"../var/pocgate.db\";\n"
			      "templates = \"templates\";\n" MINIMAL_MANAGER "signing = {\n"
			      "  fingerprint = \"0123456789ABCDEF0123456789ABCDEF01234567\";\n"
			      "  gnupghome = \"gnupg\";\n"
			      "};\n"
			      "smtp = {\n"
			      "  host = \"smtp.unoda.test\";\n"
			      "  ca_file = \"/etc/ssl/ca.pem\";\n"
			      "};\n" MINIMAL_IMAP);
	conf = conf_load(path, &problems);
	CHECK_STR(problems.buf, "");
	CHECK(conf != NULL);
	if (conf) {
		snprintf(want, sizeof(want), "%s/../var/pocgate.db", sub);
		CHECK_STR(conf->database, want);
		snprintf(want, sizeof(want), "%s/templates", sub);
		CHECK_STR(conf->templates, want);
		snprintf(want, sizeof(want), "%s/gnupg", sub);
		CHECK_STR(conf->signing_gnupghome, want);
		CHECK_STR(conf->smtp.ca_file, "/etc/ssl/ca.pem");
		CHECK_STR(conf->path, path);
	}
	conf_free(&conf);
	CHECK(conf == NULL);
	sb_release(&problems);
	test_tmpdir_remove(dir);
}

static void syntax_error_reports_its_line(void)
{
	struct fixture fx;

	load(&fx, "database = \"pocgate.db\";\n"
		  "manager = {\n"
		  "  name = \"UNODA\";\n"
		  "  address = poc-directory@unoda.test;\n"
		  "};\n");
	CHECK(fx.conf == NULL);
	CHECK(count_lines(fx.problems.buf) == 1);
	{
		char want[600];

		snprintf(want, sizeof(want), "%s:4: syntax: ", fx.path);
		CHECK(strncmp(fx.problems.buf, want, strlen(want)) == 0);
		if (strncmp(fx.problems.buf, want, strlen(want)) != 0)
			printf("#   got: %s", fx.problems.buf);
	}
	done(&fx);
}

static void missing_configuration_file_is_reported(void)
{
	struct strbuf problems = STRBUF_INIT;
	char *dir = test_tmpdir();
	char path[600], want[700];
	struct conf *conf;

	snprintf(path, sizeof(path), "%s/absent.conf", dir);
	conf = conf_load(path, &problems);
	CHECK(conf == NULL);
	snprintf(want, sizeof(want), "%s:0: cannot read configuration: No such file or directory\n",
		 path);
	CHECK_STR(problems.buf, want);
	sb_release(&problems);
	test_tmpdir_remove(dir);
}

static void several_problems_are_all_reported_in_one_load(void)
{
	struct fixture fx;

	/* the problems are on lines 2, 12, 16, 19 and 20 */
	load(&fx, "database = \"pocgate.db\";\n"
		  "log_level = \"loud\";\n" MINIMAL_MANAGER MINIMAL_SIGNING "smtp = {\n"
		  "  host = \"smtp.unoda.test\";\n"
		  "  port = \"587\";\n"
		  "};\n"
		  "imap = {\n"
		  "  host = \"imap.unoda.test\";\n"
		  "  security = \"ssl\";\n"
		  "};\n"
		  "cycle = {\n"
		  "  response_window = \"48\";\n"
		  "  escalation_max = 0;\n"
		  "};\n");
	CHECK(fx.conf == NULL);
	CHECK(count_lines(fx.problems.buf) == 5);
	check_problem_line(&fx, 2, "log_level: 'loud' is not one of error, warning, info, debug");
	check_problem_line(&fx, 12, "smtp.port: must be an integer");
	check_problem_line(&fx, 16, "imap.security: 'ssl' is not one of starttls, tls, none");
	check_problem_line(&fx, 19,
			   "cycle.response_window: '48' is not a duration with a unit, like "
			   "\"48h\", \"30m\" or \"5s\"");
	check_problem_line(&fx, 20, "cycle.escalation_max: 0 is out of range 1..100");
	done(&fx);
}

static void conf_path_prefers_argument_then_environment_then_default(void)
{
	char *saved = getenv("POCGATE_CONFIG") ? strdup(getenv("POCGATE_CONFIG")) : NULL;

	unsetenv("POCGATE_CONFIG");
	CHECK_STR(conf_path(NULL), "/etc/pocgate/pocgate.conf");
	CHECK_STR(conf_path(""), CONF_DEFAULT_PATH);
	CHECK_STR(conf_path("/srv/a.conf"), "/srv/a.conf");
	setenv("POCGATE_CONFIG", "/env/pocgate.conf", 1);
	CHECK_STR(conf_path(NULL), "/env/pocgate.conf");
	CHECK_STR(conf_path(""), "/env/pocgate.conf");
	CHECK_STR(conf_path("/srv/a.conf"), "/srv/a.conf");
	setenv("POCGATE_CONFIG", "", 1);
	CHECK_STR(conf_path(NULL), "/etc/pocgate/pocgate.conf");
	if (saved)
		setenv("POCGATE_CONFIG", saved, 1);
	else
		unsetenv("POCGATE_CONFIG");
	free(saved);
}

/* Under systemd (LoadCredential=) a bare secret file name is looked up in
 * $CREDENTIALS_DIRECTORY, not next to the configuration. */
static void secret_file_name_is_a_systemd_credential(void)
{
	struct fixture fx;
	char creds[600], secret[700], want[700];

	setup(&fx);
	snprintf(creds, sizeof(creds), "%s/creds", fx.dir);
	mkdir(creds, 0700);
	snprintf(secret, sizeof(secret), "%s/smtp.pass", creds);
	write_secret(secret, 0600);
	setenv("CREDENTIALS_DIRECTORY", creds, 1);
	write_and_load(&fx, "database = \"pocgate.db\";\n" MINIMAL_MANAGER MINIMAL_SIGNING
			    "smtp = {\n  host = \"smtp.unoda.test\";\n  user = \"u\";\n"
			    "  password_file = \"smtp.pass\";\n};\n" MINIMAL_IMAP);
	unsetenv("CREDENTIALS_DIRECTORY");
	CHECK_STR(fx.problems.buf, "");
	snprintf(want, sizeof(want), "%s/smtp.pass", creds);
	CHECK(fx.conf && fx.conf->smtp.password_file &&
	      strcmp(fx.conf->smtp.password_file, want) == 0);
	done(&fx);
}

int main(void)
{
	RUN(sample_configuration_loads_clean);
	RUN(defaults_are_applied_to_a_minimal_configuration);
	RUN(default_ports_follow_security);
	RUN(explicit_port_is_kept);
	RUN(misspelt_top_level_name_is_reported_with_line_and_suggestion);
	RUN(misspelt_nested_name_is_reported_with_line_and_suggestion);
	RUN(name_far_from_any_setting_gets_no_suggestion);
	RUN(string_where_integer_expected_is_reported);
	RUN(integer_where_duration_expected_is_reported);
	RUN(duration_without_unit_is_reported);
	RUN(integer_out_of_range_is_reported);
	RUN(port_out_of_range_is_reported);
	RUN(duration_out_of_range_is_reported);
	RUN(sizes_take_units);
	RUN(bad_sizes_are_reported);
	RUN(missing_required_settings_are_reported);
	RUN(missing_required_group_is_reported);
	RUN(password_file_readable_by_others_is_reported);
	RUN(password_file_private_to_its_owner_is_accepted);
	RUN(missing_password_file_is_reported);
	RUN(relative_paths_resolve_against_the_config_directory);
	RUN(syntax_error_reports_its_line);
	RUN(missing_configuration_file_is_reported);
	RUN(several_problems_are_all_reported_in_one_load);
	RUN(conf_path_prefers_argument_then_environment_then_default);
	RUN(secret_file_name_is_a_systemd_credential);
	TEST_EXIT();
}
