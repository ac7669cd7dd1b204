#!/usr/bin/env bash
# scripts/check-layers.sh -- fails when a module reaches around a layer
# (docs/architecture.md "Layers", STYLE.md 1).  Fast and needs no build:
# it reads src/ as text.
#
#	scripts/check-layers.sh [TOP]	checks TOP/src (default: this
#					checkout) with TOP/scripts/layers-allow.txt
#
# The rules:
#  1. Each module includes only its own headers and those of the modules
#     below it (the table below); base includes nothing of ours.
#  2. Only db/internal.h includes libpq-fe.h; only web/ includes
#     microhttpd.h.
#  3. web/, ctl/ and the entry points neither include db headers, nor call
#     db_* functions, nor name db types (Db*, struct db_*): they go
#     through app (issue 12).
#  4. app's public headers (app.h, registrations.h, setup.h, seating.h,
#     invitees.h, api.h)
#     neither include db headers nor name db functions or types: app takes
#     typed inputs of its own.
# Comments and string literals are ignored.  A file listed in
# scripts/layers-allow.txt ("src/path: why", one a line, # comments) may
# break rules 1, 3 and 4: those are the known deviations that issue 12
# removes; the list only shrinks.  An entry whose file breaks nothing any
# more is reported so it can be deleted.  Exits 1 on any other violation.
# One perl process reads every file, so the check takes well under a
# second.
set -euo pipefail

TOP=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$TOP"
exec perl -e '
use strict;
use warnings;

# Module -> the modules it may include besides itself ("main" is
# summitd.c and summitctl.c).
my %may = (
	base => [], conf => ["base"], form => ["base"], tmpl => ["base"],
	alloc => ["base"], ical => ["base"], instance => ["alloc", "base"],
	mail => ["base"], db => ["base"], hook => ["base"],
	qr => ["base"],
	app => [qw(db alloc ical mail hook tmpl conf base qr)],
	web => [qw(app form tmpl conf base)],
	ctl => [qw(app instance alloc base conf)],
	main => [qw(web app ctl conf base)],
);
# sheet/: the CSV and .xlsx writer of the exports, used by app and web.
$may{sheet} = ["base"];
push @{$may{app}}, "sheet";
push @{$may{web}}, "sheet";
# chart/: SVG charts from numbers, for the dashboard (web).
$may{chart} = [];
push @{$may{web}}, "chart";
my %app_public = map { $_ => 1 } qw(src/app/app.h src/app/registrations.h
    src/app/setup.h src/app/seating.h
    src/app/invitees.h src/app/api.h src/app/door.h);
$app_public{"src/app/badges.h"} = 1;
$app_public{"src/app/privacy.h"} = 1;
$app_public{"src/app/search.h"} = 1;
$app_public{"src/app/dashboard.h"} = 1;
$app_public{"src/app/questions.h"} = 1;
$app_public{"src/app/substitute.h"} = 1;
$app_public{"src/app/speakers.h"} = 1;
my $dbref = qr/#\s*include\s*"db\/[^"]*"|\bdb_[a-z0-9_]+\s*\(|\bstruct\s+db_[a-z0-9_]+|\bDb[A-Z][A-Za-z0-9]*/;
my $allowfile = "scripts/layers-allow.txt";
my (%allowed, %broke);
my $status = 0;

if (open(my $fh, "<", $allowfile)) {
	while (my $line = <$fh>) {
		chomp $line;
		$line =~ s/#.*//;
		next if $line !~ /\S/;
		if ($line !~ /^\s*(\S+?)\s*:\s*\S/) {
			print STDERR "$allowfile:$.: \"$line\" is not \"file: reason\"\n";
			exit 2;
		}
		$allowed{$1} = 1;
	}
}

sub violation {
	my ($file, $line, $msg, $hard) = @_;
	$broke{$file} = 1;
	return if $allowed{$file} && !$hard;
	print "$file:$line: $msg\n";
	$status = 1;
}

# Comments and string literals blanked, newlines kept; a quoted name
# ending in .h stays (an #include).
sub code {
	my ($text) = @_;
	$text =~ s{/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\x27(?:\\.|[^\x27\\\n])*\x27}{
		my $m = $&;
		$m =~ /^"[^"]*\.h"$/ ? $m : ($m =~ tr/\n//cdr)
	}gse;
	return $text;
}

my @files;
sub walk {
	my ($dir) = @_;
	opendir(my $dh, $dir) or die "$dir: $!\n";
	for my $e (sort readdir $dh) {
		next if $e =~ /^\./;
		my $p = "$dir/$e";
		if (-d $p) { walk($p) } elsif ($e =~ /\.[ch]$/) { push @files, $p }
	}
}
walk("src");

for my $rel (@files) {
	my $mod;
	if ($rel eq "src/summitd.c" || $rel eq "src/summitctl.c") {
		$mod = "main";
	} elsif ($rel =~ m{^src/([^/]+)/}) {
		$mod = $1;
	} else {
		next;
	}
	if (!exists $may{$mod}) {
		print "$rel: module \"$mod\" has no layer in scripts/check-layers.sh\n";
		$status = 1;
		next;
	}
	my %ok = map { $_ => 1 } ($mod, @{$may{$mod}});
	my $sealed = $mod =~ /^(web|ctl|main)$/ || $app_public{$rel};
	open(my $fh, "<", $rel) or die "$rel: $!\n";
	my $text = code(do { local $/; <$fh> });
	my $n = 0;
	for my $line (split /\n/, $text, -1) {
		$n++;
		if ($line =~ /^\s*#\s*include\s*"([^"\/]+)\/[^"]*"/ && !$ok{$1}) {
			violation($rel, $n, "$mod may not include $1/ (\"$1/...\")");
		}
		if ($line =~ /^\s*#\s*include\s*<libpq-fe\.h>/ &&
		    $rel ne "src/db/internal.h") {
			violation($rel, $n, "only src/db/internal.h includes libpq-fe.h", 1);
		}
		if ($line =~ /^\s*#\s*include\s*<microhttpd\.h>/ && $mod ne "web") {
			violation($rel, $n, "only web/ includes microhttpd.h", 1);
		}
		if ($sealed && $line =~ /($dbref)/) {
			violation($rel, $n, "reaches into db: $1");
		}
	}
}
for my $f (sort keys %allowed) {
	print STDERR "$allowfile: $f breaks no rule any more: delete its line\n"
	    if !$broke{$f};
}
print STDERR "layer check failed: see docs/architecture.md \"Layers\"\n"
    if $status;
exit $status;
'
