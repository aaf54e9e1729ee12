/*
 * test-ladder - reminders, deadlines and escalation rounds, by the clock
 *
 * ladder_plan() is pure: each test builds a cycle's pings and State
 * histories as plain data, asks what is due at a given time, and checks
 * the actions.
 */
#include "test.h"

#include <pocgate/ladder.h>

static const struct ladder_conf conf = {
	.reminder = 600, .escalation_delay = 60, .escalation_repeat = 3600, .escalation_max = 2,
};

#define T0 1000000 /* the deadline of the pings below */

static size_t plan(const struct ladder_ping *p, size_t np, const struct ladder_state *s, size_t ns,
		   int64_t now, struct ladder_action *out)
{
	return ladder_plan(&conf, p, np, s, ns, now, out, 16);
}

static int has(const struct ladder_action *a, size_t n, enum ladder_kind k, int64_t ping,
	       const char *state, int round)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].kind == k && (!ping || a[i].ping_id == ping) &&
		    (!state || (a[i].state_code && !strcmp(a[i].state_code, state))) &&
		    (!round || a[i].round == round))
			return 1;
	return 0;
}

static void nothing_is_due_early_in_the_window(void)
{
	struct ladder_ping p[] = { { 1, "FRA", "sent", T0, T0 - 172800, 0, 0 } };
	struct ladder_action a[16];

	CHECK(plan(p, 1, NULL, 0, T0 - 3600, a) == 0);
}

static void reminder_comes_once_before_the_deadline(void)
{
	struct ladder_ping p[] = { { 1, "FRA", "sent", T0, T0 - 172800, 0, 0 },
				   { 2, "FRA", "auto-replied", T0, T0 - 100, 0, 0 },
				   { 3, "FRA", "sent", T0, T0 - 172800, 1, 0 } };
	struct ladder_action a[16];
	size_t n = plan(p, 3, NULL, 0, T0 - 600, a);

	CHECK(n == 2);
	CHECK(has(a, n, LADDER_REMIND, 1, NULL, 0));
	CHECK(has(a, n, LADDER_REMIND, 2, NULL, 0)); /* an out-of-office still waits */
	CHECK(!has(a, n, LADDER_REMIND, 3, NULL, 0)); /* reminded already */
}

static void confirmed_pings_are_left_alone(void)
{
	struct ladder_ping p[] = { { 1, "FRA", "confirmed", T0, T0 - 100, 0, 0 },
				   { 2, "FRA", "late-confirmed", T0, T0 + 100, 0, 1 },
				   { 3, "FRA", "resolved", T0, T0 + 100, 0, 1 } };
	struct ladder_action a[16];

	CHECK(plan(p, 3, NULL, 0, T0 + 999999, a) == 0);
}

static void deadline_makes_a_waiting_ping_overdue(void)
{
	struct ladder_ping p[] = { { 1, "FRA", "sent", T0, T0 - 172800, 1, 0 } };
	struct ladder_action a[16];
	size_t n = plan(p, 1, NULL, 0, T0, a);

	CHECK(n == 1 && has(a, n, LADDER_OVERDUE, 1, NULL, 0));
}

static void one_escalation_per_state_after_the_delay(void)
{
	struct ladder_ping p[] = { { 1, "FRA", "overdue", T0, T0, 1, 0 },
				   { 2, "FRA", "undeliverable", T0, T0 - 50000, 0, 0 },
				   { 3, "DEU", "overdue", T0, T0, 1, 0 } };
	struct ladder_action a[16];
	size_t n;

	CHECK(plan(p, 3, NULL, 0, T0 + 59, a) == 1); /* FRA's bounce waited long enough */
	n = plan(p, 3, NULL, 0, T0 + 60, a);
	CHECK(n == 2);
	CHECK(has(a, n, LADDER_ESCALATE, 0, "FRA", 1));
	CHECK(has(a, n, LADDER_ESCALATE, 0, "DEU", 1));
}

static void hard_bounce_escalates_before_the_deadline(void)
{
	struct ladder_ping p[] = { { 1, "KEN", "undeliverable", T0, T0 - 170000, 0, 0 } };
	struct ladder_action a[16];
	size_t n = plan(p, 1, NULL, 0, T0 - 170000 + 60, a);

	CHECK(n == 1 && has(a, n, LADDER_ESCALATE, 0, "KEN", 1));
}

static void rounds_repeat_after_the_interval_up_to_the_maximum(void)
{
	struct ladder_ping p[] = { { 1, "FRA", "escalated", T0, T0 + 60, 1, 1 } };
	struct ladder_state s1[] = { { "FRA", 1, T0 + 60, 0 } };
	struct ladder_state s2[] = { { "FRA", 2, T0 + 3660, 0 } };
	struct ladder_action a[16];
	size_t n;

	CHECK(plan(p, 1, s1, 1, T0 + 3659, a) == 0);
	n = plan(p, 1, s1, 1, T0 + 3660, a);
	CHECK(n == 1 && has(a, n, LADDER_ESCALATE, 0, "FRA", 2));
	/* after the last round: the flag, not a third round */
	CHECK(plan(p, 1, s2, 1, T0 + 7259, a) == 0);
	n = plan(p, 1, s2, 1, T0 + 7260, a);
	CHECK(n == 1 && has(a, n, LADDER_UNVERIFIED, 1, NULL, 0));
}

static void poc_silent_after_the_last_round_is_reported_then_flagged(void)
{
	/* FRA's rounds were used by a bounce; its diplomatic POC went silent later */
	struct ladder_ping p[] = { { 1, "FRA", "escalated", T0, T0 - 9000, 0, 2 },
				   { 2, "FRA", "overdue", T0, T0, 1, 0 } };
	struct ladder_state s[] = { { "FRA", 2, T0 - 100, 0 } };
	struct ladder_action a[16];
	size_t n = plan(p, 2, s, 1, T0 + 60, a);

	CHECK(has(a, n, LADDER_ESCALATE, 0, "FRA", 3));
	CHECK(ladder_next(&conf, p, 2, s, 1, T0 + 1) == T0 + 60);
	/* once listed, it is flagged after the interval like the others */
	p[1].status = "escalated";
	p[1].escalated_round = 3;
	s[0] = (struct ladder_state){ "FRA", 3, T0 + 60, 0 };
	n = plan(p, 2, s, 1, T0 + 60 + 3600, a);
	CHECK(has(a, n, LADDER_UNVERIFIED, 2, NULL, 0) && has(a, n, LADDER_UNVERIFIED, 1, NULL, 0));
}

static void late_confirmation_stops_the_ladder(void)
{
	struct ladder_ping p[] = { { 1, "FRA", "late-confirmed", T0, T0 + 200, 1, 1 } };
	struct ladder_state s[] = { { "FRA", 1, T0 + 60, 0 } };
	struct ladder_action a[16];
	size_t n = plan(p, 1, s, 1, T0 + 99999, a);

	/* no further round: only the State's case is closed */
	CHECK(n == 1 && has(a, n, LADDER_CLOSE, 0, "FRA", 0));
}

static void state_is_closed_once_every_escalated_poc_answered(void)
{
	struct ladder_ping p[] = { { 1, "FRA", "late-confirmed", T0, T0 + 200, 1, 1 },
				   { 2, "FRA", "resolved", T0, T0 + 300, 1, 1 },
				   { 3, "FRA", "confirmed", T0, T0 - 10, 0, 0 } };
	struct ladder_state open[] = { { "FRA", 1, T0 + 60, 0 } };
	struct ladder_state closed[] = { { "FRA", 1, T0 + 60, 1 } };
	struct ladder_action a[16];
	size_t n = plan(p, 3, open, 1, T0 + 400, a);

	CHECK(n == 1 && has(a, n, LADDER_CLOSE, 0, "FRA", 0));
	CHECK(plan(p, 3, closed, 1, T0 + 400, a) == 0);
	/* one still escalated: not yet; one flagged unverified: never */
	p[1].status = "escalated";
	CHECK(!has(a, plan(p, 3, open, 1, T0 + 400, a), LADDER_CLOSE, 0, NULL, 0));
	p[1].status = "unverified";
	CHECK(plan(p, 3, open, 1, T0 + 400, a) == 0);
}

static void output_is_bounded_but_counted(void)
{
	struct ladder_ping p[20];
	struct ladder_action a[4];
	char codes[20][4];

	for (int i = 0; i < 20; i++) {
		snprintf(codes[i], sizeof(codes[i]), "S%02d", i);
		p[i] = (struct ladder_ping){ i + 1, codes[i], "sent", T0, 0, 1, 0 };
	}
	CHECK(ladder_plan(&conf, p, 20, NULL, 0, T0, a, 4) == 20);
}

int main(void)
{
	RUN(nothing_is_due_early_in_the_window);
	RUN(reminder_comes_once_before_the_deadline);
	RUN(confirmed_pings_are_left_alone);
	RUN(deadline_makes_a_waiting_ping_overdue);
	RUN(one_escalation_per_state_after_the_delay);
	RUN(hard_bounce_escalates_before_the_deadline);
	RUN(rounds_repeat_after_the_interval_up_to_the_maximum);
	RUN(poc_silent_after_the_last_round_is_reported_then_flagged);
	RUN(late_confirmation_stops_the_ladder);
	RUN(state_is_closed_once_every_escalated_poc_answered);
	RUN(output_is_bounded_but_counted);
	TEST_EXIT();
}
