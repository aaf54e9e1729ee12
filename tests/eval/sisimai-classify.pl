#!/usr/bin/perl
# NAME
#	sisimai-classify.pl - Sisimai's view of messages, as pocgate classify prints it
# SYNOPSIS
#	perl tests/eval/sisimai-classify.pl FILE...
# DESCRIPTION
#	Runs Sisimai (Debian libsisimai-perl) over each FILE in one process and
#	prints "FILE<TAB>VERDICT<TAB>REASON" per file, like `pocgate classify
#	--format tsv`, so that tests/eval/eval.py can score both the same way.
#	Each file is read whole and given to Sisimai->make(\$bytes, delivered => 1)
#	(in memory: Sisimai's path reader skips files that Perl's -T calls binary,
#	which 8-bit mail in GBK or Shift_JIS can be).
#
#	Vacation detection: Sisimai 4 (Debian bookworm ships 4.25.15) always runs
#	its RFC 3834 auto-reply parser and reports reason "vacation"; it has no
#	`vacation` option (that came with Sisimai 5's rise()). When an installed
#	Sisimai has rise(), it is used with vacation => 1 and delivered => 1.
#
#	Mapping of Sisimai's records to pocgate's five verdicts (a message can give
#	several records, one per recipient; the strongest verdict wins, in the order
#	below):
#	  malformed    the file is empty, or its first line (after leading blank
#	               lines and an mbox "From " line) is not a header field
#	               "Name: value": not a mail at all.
#	               Sisimai itself has no such verdict; this check is the
#	               adapter's, and only decides messages Sisimai gave no record.
#	  bounce-hard  a record with softbounce 0, Sisimai 4's "hard bounce"
#	               (Sisimai 5: hardbounce true).
#	  bounce-soft  any other bounce record: softbounce 1, or -1 (Sisimai could
#	               not tell hard from soft: reasons such as undefined, onhold,
#	               expired without a status); a bounce all the same, and retrying
#	               is the cautious reading.
#	  auto-reply   reason "vacation" (RFC 3834 auto-reply), "delivered" (a
#	               successful-delivery DSN: automatic, not a failure) or
#	               "feedback" (an ARF abuse/feedback report: automatic, not a
#	               failure). None of them is a person's reply.
#	  reply        no record at all: Sisimai saw neither a bounce nor an
#	               auto-reply, so, for pocgate's question, a person's message.
#	REASON is Sisimai's reason (and its hard/soft flag), or "no sisimai record".
use strict;
use warnings;
use Sisimai;

binmode STDOUT;
my $rise = Sisimai->can('rise');

sub is_mail {
	my $head = substr($_[0], 0, 4096);
	$head =~ s/\r\n?/\n/g;
	$head =~ s/\A\s+//;
	$head =~ s/\AFrom [^\n]*\n//;
	return $head =~ /\A[\x21-\x39\x3b-\x7e]+[ \t]*:/;
}

sub classify {
	my ($path) = @_;
	open(my $fh, '<:raw', $path) or return ('malformed', "cannot read: $!");
	my $data = do { local $/; <$fh> } // '';
	close $fh;
	return ('malformed', 'not a mail: no header fields') unless length $data && is_mail($data);

	my $v = eval {
		$rise ? Sisimai->rise(\$data, vacation => 1, delivered => 1)
		      : Sisimai->make(\$data, delivered => 1);
	};
	return ('reply', 'sisimai died: ' . ($@ =~ s/\s+/ /gr)) if $@;
	return ('reply', 'no sisimai record') unless $v && @$v;

	my ($verdict, $rank, $reason) = ('', 0, '');
	my %ranks = ('bounce-hard' => 3, 'bounce-soft' => 2, 'auto-reply' => 1);
	for my $e (@$v) {
		my $r = $e->reason // '';
		my ($this, $why);
		if ($r eq 'vacation' || $r eq 'delivered' || $r eq 'feedback') {
			$this = 'auto-reply';
			$why = $r;
		} else {
			my $hard = $rise && $e->can('hardbounce') ? $e->hardbounce
			         : (($e->softbounce // -1) eq '0');
			$this = $hard ? 'bounce-hard' : 'bounce-soft';
			my $sb = $e->can('softbounce') ? $e->softbounce // '' : '';
			$why = $r . ($rise ? ($hard ? ' hardbounce=1' : ' hardbounce=0')
			                   : " softbounce=$sb");
		}
		$why .= ' ' . $e->deliverystatus if length($e->deliverystatus // '');
		if ($ranks{$this} > $rank) {
			($verdict, $rank, $reason) = ($this, $ranks{$this}, $why);
		}
	}
	return ($verdict, "sisimai: $reason");
}

for my $path (@ARGV) {
	my ($verdict, $reason) = classify($path);
	$reason =~ s/[\t\r\n]+/ /g;
	print "$path\t$verdict\t$reason\n";
}
