/* glpk_mcf.c -- benchmark: GLPK's min-cost-flow solvers on an allocation
 * instance (not part of the build; bench/alloc_glpk.sh compiles and runs it).
 *
 * Reads a CSV instance folder of ../shared/alloc/FORMAT.md with its own small
 * reader (nothing from src/), builds FORMAT.md's contracted min-cost-flow
 * network with W1, W2 and the bypass arc in GLPK's graph API, solves it with
 * glp_mincost_relax4 (RELAX-IV, crash = 0 or 1) or glp_mincost_okalg
 * (out-of-kilter), and derives the objective placed/nowhere/cost from the flow
 * on the preference arcs.  Prints the read, build and solve times, the whole
 * process time so far and the peak RSS (VmHWM).
 *
 * usage: glpk_mcf relax4|relax4-crash|okalg INSTANCE_DIR [--out FILE.csv]
 *
 * build: cc -O2 $(pkg-config --cflags glib-2.0) bench/glpk_mcf.c \
 *            -o /tmp/glpk_mcf $(pkg-config --libs glib-2.0) -lglpk
 */
#include <glib.h>
#include <stdarg.h>
#include <glpk.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const int rank_cost[6] = { 0, 0, 1, 3, 6, 10 };
enum { N_SECTORS = 5 };
static const char *const sector_names[N_SECTORS] = {
	"business", "academia", "union", "government", "other"
};

G_NORETURN static void die(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("glpk_mcf: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ---- a small CSV reader: columns by header name ---- */

typedef struct {
	char *buf;       /* whole file, lines and fields NUL-terminated in place */
	char **fields;   /* rows * ncols field pointers (header excluded) */
	char **header;
	int ncols, rows;
	char *path;
} Csv;

static void csv_read(Csv *c, const char *dir, const char *name)
{
	GError *err = NULL;
	gsize len;
	c->path = g_build_filename(dir, name, NULL);
	if (!g_file_get_contents(c->path, &c->buf, &len, &err))
		die("%s", err->message);
	GPtrArray *f = g_ptr_array_new();
	char *p = c->buf, *end = c->buf + len;
	c->ncols = -1;
	c->rows = 0;
	GPtrArray *hdr = g_ptr_array_new();
	int line = 0;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		line++;
		if (le > p && le[-1] == '\r')
			le--;
		*le = '\0';
		if (le == p) {
			p = nl ? nl + 1 : end;
			continue;
		}
		GPtrArray *dst = c->ncols < 0 ? hdr : f;
		int n = 0;
		char *q = p;
		for (;;) {
			char *comma = strchr(q, ',');
			g_ptr_array_add(dst, q);
			n++;
			if (!comma)
				break;
			*comma = '\0';
			q = comma + 1;
		}
		if (c->ncols < 0)
			c->ncols = n;
		else if (n != c->ncols)
			die("%s:%d: %d fields, header has %d", c->path, line, n, c->ncols);
		else
			c->rows++;
		p = nl ? nl + 1 : end;
	}
	if (c->ncols < 0)
		die("%s: empty file", c->path);
	c->header = (char **)g_ptr_array_free(hdr, FALSE);
	c->fields = (char **)g_ptr_array_free(f, FALSE);
}

static int csv_col(const Csv *c, const char *name)
{
	for (int i = 0; i < c->ncols; i++)
		if (strcmp(c->header[i], name) == 0)
			return i;
	die("%s: no column '%s'", c->path, name);
}

static int csv_int(const Csv *c, int row, int col)
{
	const char *s = c->fields[(size_t)row * c->ncols + col];
	char *e;
	long v = strtol(s, &e, 10);
	if (*s == '\0' || *e != '\0' || v < INT_MIN || v > INT_MAX)
		die("%s:%d: field '%s': not an integer: '%s'", c->path, row + 2,
		    c->header[col], s);
	return (int)v;
}

static void csv_free(Csv *c)
{
	g_free(c->buf);
	g_free(c->fields);
	g_free(c->header);
	g_free(c->path);
}

/* ---- the instance ---- */

typedef struct {
	int S, M, N, L, n_orgs;
	int *sess_slot, *sess_cap, *sess_msec, *sess_morg;
	int *part_sector, *part_org, *part_max;
	int *pref_p, *pref_rank, *pref_s;
} Inst;

static void read_instance(Inst *in, const char *dir)
{
	Csv c;

	csv_read(&c, dir, "slots.csv");
	in->S = c.rows;
	csv_free(&c);

	csv_read(&c, dir, "sessions.csv");
	{
		int ci = csv_col(&c, "session_id"), cs = csv_col(&c, "slot_id");
		int cc = csv_col(&c, "capacity"), cse = csv_col(&c, "max_per_sector");
		int co = csv_col(&c, "max_per_org");
		in->M = c.rows;
		in->sess_slot = g_new(int, in->M);
		in->sess_cap = g_new(int, in->M);
		in->sess_msec = g_new(int, in->M);
		in->sess_morg = g_new(int, in->M);
		for (int r = 0; r < c.rows; r++) {
			if (csv_int(&c, r, ci) != r)
				die("%s:%d: session ids not dense", c.path, r + 2);
			in->sess_slot[r] = csv_int(&c, r, cs);
			if (in->sess_slot[r] < 0 || in->sess_slot[r] >= in->S)
				die("%s:%d: bad slot_id", c.path, r + 2);
			in->sess_cap[r] = csv_int(&c, r, cc);
			in->sess_msec[r] = csv_int(&c, r, cse);
			in->sess_morg[r] = csv_int(&c, r, co);
		}
	}
	csv_free(&c);

	csv_read(&c, dir, "participants.csv");
	{
		int ci = csv_col(&c, "participant_id"), cs = csv_col(&c, "sector");
		int co = csv_col(&c, "org_id"), cm = csv_col(&c, "max_sessions");
		in->N = c.rows;
		in->n_orgs = 0;
		in->part_sector = g_new(int, in->N);
		in->part_org = g_new(int, in->N);
		in->part_max = g_new(int, in->N);
		for (int r = 0; r < c.rows; r++) {
			if (csv_int(&c, r, ci) != r)
				die("%s:%d: participant ids not dense", c.path, r + 2);
			const char *sec = c.fields[(size_t)r * c.ncols + cs];
			int k;
			for (k = 0; k < N_SECTORS; k++)
				if (strcmp(sec, sector_names[k]) == 0)
					break;
			if (k == N_SECTORS)
				die("%s:%d: unknown sector '%s'", c.path, r + 2, sec);
			in->part_sector[r] = k;
			in->part_org[r] = csv_int(&c, r, co);
			if (in->part_org[r] < 0)
				die("%s:%d: bad org_id", c.path, r + 2);
			if (in->part_org[r] >= in->n_orgs)
				in->n_orgs = in->part_org[r] + 1;
			in->part_max[r] = csv_int(&c, r, cm);
		}
	}
	csv_free(&c);

	csv_read(&c, dir, "preferences.csv");
	{
		int cp = csv_col(&c, "participant_id"), cr = csv_col(&c, "rank");
		int cs = csv_col(&c, "session_id");
		in->L = c.rows;
		in->pref_p = g_new(int, in->L);
		in->pref_rank = g_new(int, in->L);
		in->pref_s = g_new(int, in->L);
		for (int r = 0; r < c.rows; r++) {
			in->pref_p[r] = csv_int(&c, r, cp);
			in->pref_rank[r] = csv_int(&c, r, cr);
			in->pref_s[r] = csv_int(&c, r, cs);
			if (in->pref_p[r] < 0 || in->pref_p[r] >= in->N ||
			    in->pref_s[r] < 0 || in->pref_s[r] >= in->M ||
			    in->pref_rank[r] < 1 || in->pref_rank[r] > 5)
				die("%s:%d: id or rank out of range", c.path, r + 2);
		}
	}
	csv_free(&c);
}

/* ---- the network ---- */

typedef struct { double rhs; } VData;
typedef struct { double cap, cost, x, rc; } AData;

typedef struct {
	GArray *tail, *head, *cap, *cost;   /* int arrays, arc k */
} Arcs;

static int add_arc(Arcs *a, int t, int h, gint64 cap, gint64 cost)
{
	if (cap > INT_MAX || cost > INT_MAX)
		die("arc %d->%d: cap %" G_GINT64_FORMAT " or cost %" G_GINT64_FORMAT
		    " does not fit in int", t, h, cap, cost);
	int c = (int)cap, w = (int)cost;
	g_array_append_val(a->tail, t);
	g_array_append_val(a->head, h);
	g_array_append_val(a->cap, c);
	g_array_append_val(a->cost, w);
	return (int)a->tail->len - 1;
}

/* GLPK reports an error (e.g. a routine disabled in this build) by calling
 * the hook and then abort(); end with a clear message and status 3 instead */
static const char *current_solver = "";
static void glpk_error_hook(void *info)
{
	(void)info;
	fprintf(stderr, "glpk_mcf: GLPK stopped in %s (message above); "
	        "no result\n", current_solver);
	fflush(NULL);
	_exit(3);
}

static double now_s(void)
{
	return g_get_monotonic_time() / 1e6;
}

static long vm_hwm_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

int main(int argc, char **argv)
{
	double t0 = now_s();
	if (argc != 3 && !(argc == 5 && strcmp(argv[3], "--out") == 0))
		die("usage: glpk_mcf relax4|relax4-crash|okalg INSTANCE_DIR [--out FILE.csv]");
	const char *solver = argv[1];
	if (strcmp(solver, "relax4") && strcmp(solver, "relax4-crash") &&
	    strcmp(solver, "okalg"))
		die("unknown solver '%s'", solver);
	const char *out = argc == 5 ? argv[4] : NULL;

	Inst in;
	read_instance(&in, argv[2]);
	double t_read = now_s();

	/* preferences grouped by participant (counting sort, stable) */
	int N = in.N, M = in.M, L = in.L, S = in.S;
	int *pstart = g_new0(int, N + 1), *pord = g_new(int, L);
	for (int k = 0; k < L; k++)
		pstart[in.pref_p[k] + 1]++;
	for (int p = 0; p < N; p++)
		pstart[p + 1] += pstart[p];
	{
		int *fill = g_memdup2(pstart, sizeof(int) * (size_t)N);
		for (int k = 0; k < L; k++)
			pord[fill[in.pref_p[k]]++] = k;
		g_free(fill);
	}
	/* and by session */
	int *sstart = g_new0(int, M + 1), *sord = g_new(int, L);
	for (int k = 0; k < L; k++)
		sstart[in.pref_s[k] + 1]++;
	for (int s = 0; s < M; s++)
		sstart[s + 1] += sstart[s];
	{
		int *fill = g_memdup2(sstart, sizeof(int) * (size_t)M);
		for (int k = 0; k < L; k++)
			sord[fill[in.pref_s[k]]++] = k;
		g_free(fill);
	}

	/* weights (FORMAT.md): W2 = 10*|preferences| + 1, W1 = 2*W2 */
	gint64 W2 = 10 * (gint64)L + 1, W1 = 2 * W2;
	gint64 bypass_cost = W1 + W2;

	/* node numbers, 1-based as GLPK's: source, sink, participants, then
	 * (p, t) nodes, sessions, (s, sector), (s, org) as they are needed */
	const int SRC = 1, SNK = 2;
	int nv = 2;
	int *pnode = g_new(int, N);
	for (int p = 0; p < N; p++)
		pnode[p] = ++nv;
	int *wanted = g_new0(int, N);
	int *tail_of = g_new(int, L);   /* pref k's tail node */
	int *head_of = g_new(int, L);   /* pref k's head node */
	Arcs A = {
		g_array_sized_new(FALSE, FALSE, sizeof(int), 2 * (guint)L + 2 * (guint)N),
		g_array_sized_new(FALSE, FALSE, sizeof(int), 2 * (guint)L + 2 * (guint)N),
		g_array_sized_new(FALSE, FALSE, sizeof(int), 2 * (guint)L + 2 * (guint)N),
		g_array_sized_new(FALSE, FALSE, sizeof(int), 2 * (guint)L + 2 * (guint)N),
	};
	gint64 D = 0;
	int Q = 0, n_pt = 0, n_sorg = 0, n_ssec = 0;
	int *slotcnt = g_new0(int, S), *slotnode = g_new0(int, S);
	for (int p = 0; p < N; p++) {
		int distinct = 0;
		for (int i = pstart[p]; i < pstart[p + 1]; i++) {
			int t = in.sess_slot[in.pref_s[pord[i]]];
			if (slotcnt[t]++ == 0)
				distinct++;
		}
		for (int i = pstart[p]; i < pstart[p + 1]; i++) {
			int k = pord[i], t = in.sess_slot[in.pref_s[k]];
			if (slotcnt[t] > 1) {
				if (!slotnode[t]) {
					slotnode[t] = ++nv;
					n_pt++;
					add_arc(&A, pnode[p], slotnode[t], 1, 0);
				}
				tail_of[k] = slotnode[t];
			} else {
				tail_of[k] = pnode[p];
			}
		}
		for (int i = pstart[p]; i < pstart[p + 1]; i++) {
			int t = in.sess_slot[in.pref_s[pord[i]]];
			slotcnt[t] = 0;
			slotnode[t] = 0;
		}
		int w = MIN(in.part_max[p], distinct);
		if (w < 0)
			w = 0;
		wanted[p] = w;
		D += w;
		if (w >= 1) {
			Q++;
			add_arc(&A, SRC, pnode[p], 1, 0);
		}
		if (w >= 2)
			add_arc(&A, SRC, pnode[p], w - 1, W2);
	}
	int *orgcnt = g_new0(int, in.n_orgs), *orgnode = g_new0(int, in.n_orgs);
	for (int s = 0; s < M; s++) {
		int snode = ++nv, secnode[N_SECTORS] = { 0 };
		add_arc(&A, snode, SNK, in.sess_cap[s], 0);
		for (int i = sstart[s]; i < sstart[s + 1]; i++) {
			int p = in.pref_p[sord[i]], sec = in.part_sector[p];
			orgcnt[in.part_org[p]]++;
			if (!secnode[sec]) {
				secnode[sec] = ++nv;
				n_ssec++;
				add_arc(&A, secnode[sec], snode, in.sess_msec[s], 0);
			}
		}
		for (int i = sstart[s]; i < sstart[s + 1]; i++) {
			int k = sord[i], p = in.pref_p[k], o = in.part_org[p];
			int sec = in.part_sector[p];
			if (orgcnt[o] > in.sess_morg[s]) {
				if (!orgnode[o]) {
					orgnode[o] = ++nv;
					n_sorg++;
					add_arc(&A, orgnode[o], secnode[sec], in.sess_morg[s], 0);
				}
				head_of[k] = orgnode[o];
			} else {
				head_of[k] = secnode[sec];
			}
		}
		for (int i = sstart[s]; i < sstart[s + 1]; i++) {
			int o = in.part_org[in.pref_p[sord[i]]];
			orgcnt[o] = 0;
			orgnode[o] = 0;
		}
	}
	int *prefarc = g_new(int, L);
	for (int k = 0; k < L; k++)
		prefarc[k] = add_arc(&A, tail_of[k], head_of[k], 1,
		                     rank_cost[in.pref_rank[k]]);
	int bypass = add_arc(&A, SRC, SNK, D, bypass_cost);

	/* do the numbers fit what the solvers accept?  relax4: |cost|, cap and
	 * supply <= INT_MAX/4; okalg: <= INT_MAX (and it reports an overflow of
	 * its int potentials as GLP_ERANGE) */
	gint64 limit = strcmp(solver, "okalg") == 0 ? INT_MAX : INT_MAX / 4;
	if (bypass_cost > limit || D > limit)
		die("weights do not fit: bypass cost %" G_GINT64_FORMAT ", D %" G_GINT64_FORMAT
		    ", limit %" G_GINT64_FORMAT, bypass_cost, D, limit);

	glp_graph *G = glp_create_graph(sizeof(VData), sizeof(AData));
	glp_add_vertices(G, nv);
	for (int i = 1; i <= nv; i++)
		((VData *)G->v[i]->data)->rhs = 0.0;
	((VData *)G->v[SRC]->data)->rhs = (double)D;
	((VData *)G->v[SNK]->data)->rhs = -(double)D;
	guint na = A.tail->len;
	glp_arc **garc = g_new(glp_arc *, na);
	for (guint k = 0; k < na; k++) {
		glp_arc *a = glp_add_arc(G, g_array_index(A.tail, int, k),
		                         g_array_index(A.head, int, k));
		AData *d = a->data;
		d->cap = g_array_index(A.cap, int, k);
		d->cost = g_array_index(A.cost, int, k);
		d->x = 0.0;
		d->rc = 0.0;
		garc[k] = a;
	}
	double t_build = now_s();

	printf("solver=%s\n", solver);
	printf("network: %d nodes (%d (p,slot), %d (s,sector), %d (s,org)), %u arcs; "
	       "W2=%" G_GINT64_FORMAT " W1=%" G_GINT64_FORMAT " bypass cost=%" G_GINT64_FORMAT
	       " D=%" G_GINT64_FORMAT " (int limit %" G_GINT64_FORMAT ")\n",
	       nv, n_pt, n_ssec, n_sorg, na, W2, W1, bypass_cost, D, limit);
	printf("read_s=%.3f build_s=%.3f\n", t_read - t0, t_build - t_read);
	fflush(stdout);

	double sol = 0.0;
	int ret;
	current_solver = solver;
	glp_error_hook(glpk_error_hook, NULL);
	if (strcmp(solver, "okalg") == 0)
		ret = glp_mincost_okalg(G, offsetof(VData, rhs), -1,
		                        offsetof(AData, cap), offsetof(AData, cost),
		                        &sol, offsetof(AData, x), -1);
	else
		ret = glp_mincost_relax4(G, offsetof(VData, rhs), -1,
		                         offsetof(AData, cap), offsetof(AData, cost),
		                         strcmp(solver, "relax4-crash") == 0, &sol,
		                         offsetof(AData, x), offsetof(AData, rc));
	double t_solve = now_s();
	if (ret != 0)
		die("%s returned %d (%s)", solver, ret,
		    ret == GLP_ERANGE ? "GLP_ERANGE: integer overflow" :
		    ret == GLP_EDATA ? "GLP_EDATA: bad data" :
		    ret == GLP_ENOPFS ? "GLP_ENOPFS: no feasible flow" :
		    ret == GLP_EFAIL ? "GLP_EFAIL" : "?");

	/* objective from the flow on the preference arcs */
	gint64 placed = 0, cost = 0, g = 0;
	int nowhere = 0;
	int *seats = g_new0(int, N);
	for (int k = 0; k < L; k++) {
		double x = ((AData *)garc[prefarc[k]]->data)->x;
		if (x != 0.0 && x != 1.0)
			die("preference arc %d: flow %g is not 0/1", k, x);
		if (x == 1.0) {
			placed++;
			cost += rank_cost[in.pref_rank[k]];
			seats[in.pref_p[k]]++;
		}
	}
	for (int p = 0; p < N; p++)
		if (wanted[p] >= 1 && seats[p] == 0)
			nowhere++;
	/* flow on the first-seat arcs (g) and the bypass, to check the
	 * identity flowcost = (W1+W2)*D - W1*placed - W2*g + cost */
	for (guint k = 0; k < na; k++)
		if (g_array_index(A.tail, int, k) == SRC && k != (guint)bypass &&
		    g_array_index(A.cost, int, k) == 0)
			g += (gint64)((AData *)garc[k]->data)->x;
	double xbyp = ((AData *)garc[bypass]->data)->x;
	gint64 expect = bypass_cost * D - W1 * placed - W2 * g + cost;
	int ok = (gint64)sol == expect && (gint64)xbyp == D - placed &&
	         g == Q - nowhere;

	if (out) {
		FILE *f = fopen(out, "w");
		if (!f)
			die("%s: cannot write", out);
		fputs("participant_id,session_id\n", f);
		for (int k = 0; k < L; k++)
			if (((AData *)garc[prefarc[k]]->data)->x == 1.0)
				fprintf(f, "%d,%d\n", in.pref_p[k], in.pref_s[k]);
		fclose(f);
	}
	long hwm = vm_hwm_kib();

	glp_delete_graph(G);
	double t_end = now_s();

	printf("solve_s=%.3f process_s=%.3f peak_rss_kib=%ld\n",
	       t_solve - t_build, t_end - t0, hwm);
	printf("flowcost=%.0f check=%s\n", sol, ok ? "ok" : "MISMATCH");
	printf("objective=%" G_GINT64_FORMAT "/%d/%" G_GINT64_FORMAT "\n",
	       placed, nowhere, cost);
	return ok ? 0 : 2;
}
