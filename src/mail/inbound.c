/*
 * inbound.c -- what a message that arrived in the organiser's mailbox is:
 * a bounce (and of which recipients, why), an attendee's iTIP answer
 * (REPLY, REFRESH or COUNTER, inline or attached), or other.
 *
 * MIME is parsed by GMime 3.  A bounce is an RFC 3464 delivery status
 * notification (multipart/report; report-type=delivery-status, whose
 * message/delivery-status part lists each recipient with its Action and
 * Status), or one of the older plain-text shapes that MTAs still send
 * (Postfix "Undelivered Mail Returned to Sender", Exim "Mail delivery
 * failed", qmail "failure notice"): those are recognised by their sender
 * or subject and read for the failed address, the first enhanced status
 * code and the server's reply line.  Only permanent failures count: a
 * "delayed" notice is not a bounce.  The returned message's Message-ID is
 * looked for in the attached message, its headers, or the quoted copy.
 *
 * Parts inside an attached message (the returned original) are never
 * classified: a bounced invitation is not a REPLY.
 */
#include "mail/mail.h"
#include "base/base.h"

#include <string.h>

#include <gmime/gmime.h>

static gsize inbound_gmime_initialised;

static void
inbound_init(void)
{
	if (g_once_init_enter(&inbound_gmime_initialised)) {
		g_mime_init();
		g_once_init_leave(&inbound_gmime_initialised, 1);
	}
}

static void
bounce_rcpt_free(gpointer p)
{
	struct mail_bounce_rcpt *r = p;

	g_free(r->address);
	g_free(r->status);
	g_free(r->diagnostic);
	g_free(r);
}

void
mail_inbound_free(MailInbound *in)
{
	if (in == NULL)
		return;
	g_free(in->message_id);
	g_free(in->original_message_id);
	g_free(in->calendar);
	g_free(in->calendar_method);
	g_ptr_array_unref(in->bounced);
	g_free(in);
}

/* The decoded content of a leaf part. */
static char *
inbound_part_text(GMimeObject *obj)
{
	GMimeStream *mem;
	GMimeDataWrapper *w;
	GByteArray *bytes;
	char *text;

	if (GMIME_IS_TEXT_PART(obj)) {
		/* NULL for a part without content. */
		text = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
		return text ? text : g_strdup("");
	}
	if (!GMIME_IS_PART(obj) ||
	    (w = g_mime_part_get_content(GMIME_PART(obj))) == NULL)
		return g_strdup("");
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	text = g_strndup((const char *)bytes->data, bytes->len);
	g_object_unref(mem);
	return text;
}

static GMimeMessage *
inbound_parse_bytes(const char *data, gsize len)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);

	g_object_unref(parser);
	g_object_unref(stream);
	return msg;
}

/* "<id>" from GMime's bare id, or NULL (also for one longer than any
 * real Message-ID, or with control characters). */
static char *
inbound_bracket_id(const char *id)
{
	const char *p;

	if (id == NULL || *id == '\0' || strlen(id) > MAIL_INBOUND_ID_MAX)
		return NULL;
	for (p = id; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return NULL;
	return g_strdup_printf("<%s>", id);
}

/* An address from "rfc822; a@b", "<a@b>" or "a@b", lower-cased;
 * NULL when it is not one. */
static char *
inbound_address(const char *field)
{
	const char *semi;
	g_autofree char *a = NULL;

	if (field == NULL)
		return NULL;
	semi = strchr(field, ';');
	a = g_strstrip(g_strdup(semi ? semi + 1 : field));
	if (a[0] == '<' && a[strlen(a) - 1] == '>') {
		a[strlen(a) - 1] = '\0';
		memmove(a, a + 1, strlen(a));
	}
	if (text_check_email(a) != TEXT_OK)
		return NULL;
	return g_ascii_strdown(a, -1);
}

static void
inbound_add(MailInbound *in, char *address, const char *status,
    const char *diagnostic)
{
	struct mail_bounce_rcpt *r = g_new0(struct mail_bounce_rcpt, 1);
	guint i;

	for (i = 0; i < in->bounced->len; i++)
		if (strcmp(((struct mail_bounce_rcpt *)in->bounced->pdata[i])
		               ->address,
		        address) == 0) {
			g_free(address);
			g_free(r);
			return;
		}
	r->address = address;
	r->status = g_strdup(status);
	r->diagnostic = text_one_line(diagnostic ? diagnostic : "");
	if (g_utf8_strlen(r->diagnostic, -1) > 500)
		*g_utf8_offset_to_pointer(r->diagnostic, 500) = '\0';
	g_ptr_array_add(in->bounced, r);
}

/* The first enhanced status code (RFC 3463) in text, or NULL. */
static char *
inbound_status_code(const char *text)
{
	static GRegex *re; /* compiled once, then only read */
	static gsize done;
	g_autoptr(GMatchInfo) m = NULL;

	if (g_once_init_enter(&done)) {
		re = g_regex_new("(?<![0-9.])([245]\\.[0-9]{1,3}\\.[0-9]{1,3})"
		                 "(?![0-9.])",
		    0, 0, NULL);
		g_once_init_leave(&done, 1);
	}
	if (g_regex_match(re, text, 0, &m))
		return g_match_info_fetch(m, 1);
	return NULL;
}

/* The header groups of a message/delivery-status body: the per-message
 * group, then one per recipient.  Each group is parsed by GMime as a
 * header block. */
static void
inbound_delivery_status(MailInbound *in, const char *text)
{
	g_autoptr(GString) norm = g_string_new(text);
	g_auto(GStrv) groups = NULL;
	char **g;

	g_string_replace(norm, "\r\n", "\n", 0);
	groups = g_strsplit(norm->str, "\n\n", -1);
	for (g = groups; *g != NULL; g++) {
		g_autofree char *block = g_strconcat(*g, "\n\n", NULL);
		g_autofree char *st = NULL;
		GMimeMessage *h;
		GMimeObject *o;
		/* failed is a bounce; delayed, delivered, relayed and
		 * expanded are not. */
		const char *action, *status, *diag;
		char *addr;

		if (**g == '\0')
			continue;
		h = inbound_parse_bytes(block, strlen(block));
		if (h == NULL)
			continue;
		o = GMIME_OBJECT(h);
		action = g_mime_object_get_header(o, "Action");
		status = g_mime_object_get_header(o, "Status");
		diag = g_mime_object_get_header(o, "Diagnostic-Code");
		if (action == NULL || status == NULL) {
			g_object_unref(h);
			continue;
		}
		while (*action == ' ' || *action == '\t')
			action++;
		while (*status == ' ' || *status == '\t')
			status++;
		addr = inbound_address(
		    g_mime_object_get_header(o, "Original-Recipient"));
		if (addr == NULL)
			addr = inbound_address(
			    g_mime_object_get_header(o, "Final-Recipient"));
		if (addr != NULL &&
		    g_ascii_strncasecmp(action, "failed", 6) == 0 &&
		    status[0] == '5') {
			if (diag != NULL && strchr(diag, ';') != NULL)
				diag = strchr(diag, ';') + 1;
			/* "5.1.1 (user unknown)" and the like: the code. */
			st = inbound_status_code(status);
			inbound_add(in, addr, st ? st : "5.0.0",
			    diag ? diag : "");
		} else
			g_free(addr);
		g_object_unref(h);
	}
}

/* The first "Message-ID: <...>" line of text, or NULL. */
static char *
inbound_quoted_message_id(const char *text)
{
	g_autoptr(GRegex) re = g_regex_new("^Message-ID:[ \\t]*(<[^<>\\s]+>)",
	    G_REGEX_CASELESS | G_REGEX_MULTILINE, 0, NULL);
	g_autoptr(GMatchInfo) m = NULL;

	if (g_regex_match(re, text, 0, &m)) {
		char *id = g_match_info_fetch(m, 1);

		if (strlen(id) <= MAIL_INBOUND_ID_MAX + 2)
			return id;
		g_free(id);
	}
	return NULL;
}

struct walk {
	MailInbound *in;
	GString *text;  /* the human-readable text parts, in order */
	GString *quote; /* text of returned messages and their headers */
	bool report;    /* a delivery-status part was seen */
};

/* A calendar part: text/calendar inline, or an attachment as
 * application/ics or named *.ics (Apple Calendar and some webmail send
 * the REPLY only so). */
static bool
inbound_is_calendar(GMimeObject *obj, GMimeContentType *ct)
{
	const char *name;

	if (g_mime_content_type_is_type(ct, "text", "calendar") ||
	    g_mime_content_type_is_type(ct, "application", "ics"))
		return true;
	if (!GMIME_IS_PART(obj) ||
	    (name = g_mime_part_get_filename(GMIME_PART(obj))) == NULL)
		return false;
	return g_str_has_suffix(name, ".ics") || g_str_has_suffix(name, ".ICS");
}

/* Whether a calendar part is an attendee's answer (REPLY, REFRESH,
 * COUNTER): by the part's method parameter, else the object's METHOD. */
static bool
inbound_is_itip_answer(const char *method, const char *text)
{
	static const char *const answers[] = { "REPLY", "REFRESH", "COUNTER" };
	g_autoptr(GRegex) re = NULL;
	unsigned i;

	for (i = 0; method != NULL && i < G_N_ELEMENTS(answers); i++)
		if (g_ascii_strcasecmp(method, answers[i]) == 0)
			return true;
	if (method != NULL)
		return false;
	re = g_regex_new("^METHOD:(REPLY|REFRESH|COUNTER)\\r?$",
	    G_REGEX_CASELESS | G_REGEX_MULTILINE, 0, NULL);
	return g_regex_match(re, text, 0, NULL);
}

static void
inbound_walk(struct walk *w, GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int i, n = g_mime_multipart_get_count(mp);

		for (i = 0; i < n; i++)
			inbound_walk(w, g_mime_multipart_get_part(mp, i));
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *orig = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));
		char *id;

		if (orig != NULL && w->in->original_message_id == NULL &&
		    (id = inbound_bracket_id(
		         g_mime_message_get_message_id(orig))) != NULL)
			w->in->original_message_id = id;
		return;
	}
	if (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
	    g_mime_content_type_is_type(ct, "message",
	        "global-delivery-status")) {
		g_autofree char *t = inbound_part_text(obj);

		w->report = true;
		inbound_delivery_status(w->in, t);
		return;
	}
	if (g_mime_content_type_is_type(ct, "text", "rfc822-headers")) {
		g_autofree char *t = inbound_part_text(obj);

		g_string_append(w->quote, t);
		g_string_append_c(w->quote, '\n');
		return;
	}
	if (inbound_is_calendar(obj, ct)) {
		const char *method = g_mime_content_type_get_parameter(ct,
		    "method");
		char *t;

		if (w->in->calendar != NULL)
			return;
		t = inbound_part_text(obj);
		if (inbound_is_itip_answer(method, t)) {
			w->in->calendar = t;
			w->in->calendar_method = g_strdup(method);
		} else
			g_free(t);
		return;
	}
	if (g_mime_content_type_is_type(ct, "text", "plain")) {
		g_autofree char *t = inbound_part_text(obj);

		g_string_append(w->text, t);
		g_string_append_c(w->text, '\n');
	}
}

/* Whether the sender or subject is that of a bounce. */
static bool
inbound_looks_returned(GMimeMessage *msg)
{
	static const char *const senders[] = { "mailer-daemon@", "postmaster@",
		NULL };
	static const char *const subjects[] = { "undelivered mail",
		"mail delivery failed", "failure notice", "undeliverable",
		"delivery status notification (failure)", "returned mail",
		"delivery failure", NULL };
	const char *from = g_mime_object_get_header(GMIME_OBJECT(msg), "From");
	const char *subject = g_mime_message_get_subject(msg);
	g_autofree char *f = g_ascii_strdown(from ? from : "", -1);
	g_autofree char *s = g_ascii_strdown(subject ? subject : "", -1);
	const char *const *p;

	for (p = senders; *p != NULL; p++)
		if (strstr(f, *p) != NULL)
			return true;
	for (p = subjects; *p != NULL; p++)
		if (strstr(s, *p) != NULL)
			return true;
	return false;
}

/* Where the copy of the returned message starts in a plain bounce. */
static const char *
inbound_copy_start(const char *text)
{
	static const char *const marks[] = { "--- Below this line is a copy",
		"------ This is a copy of the message",
		"--- The header of the original message",
		"----- Original message -----", "----- Transcript of session",
		"Original message follows", NULL };
	const char *const *m, *best = NULL, *p;

	for (m = marks; *m != NULL; m++)
		if ((p = strstr(text, *m)) != NULL &&
		    (best == NULL || p < best))
			best = p;
	return best;
}

/*
 * The plain shapes: failed addresses are lines that hold only an address
 * (qmail "<a@b>:", Exim's indented "  a@b"), or start with one followed by
 * a colon (Postfix "<a@b>: host x said: 550 ..."), in the text before the
 * returned copy; Exim also names them in X-Failed-Recipients.  The reason
 * is the first enhanced status code and the first line holding an SMTP
 * reply.
 */
static void
inbound_plain(MailInbound *in, GMimeMessage *msg, const char *text)
{
	g_autoptr(GRegex) addr_re = g_regex_new(
	    "^[ \\t]*<?([^<>\\s:@]+@[^<>\\s:@]+\\.[^<>\\s:@]+)>?(:.*)?$",
	    G_REGEX_MULTILINE, 0, NULL);
	g_autoptr(GRegex) reply_re = g_regex_new(
	    "^.*(?<![0-9])([245][0-9][0-9])[ -].*$", G_REGEX_MULTILINE, 0,
	    NULL);
	g_autoptr(GMatchInfo) m = NULL;
	const char *copy = inbound_copy_start(text);
	g_autofree char *head = g_strndup(text,
	    copy ? (gsize)(copy - text) : strlen(text));
	g_autofree char *status = NULL, *diag = NULL;
	g_autofree char *lower = g_ascii_strdown(head, -1);
	const char *xfailed = g_mime_object_get_header(GMIME_OBJECT(msg),
	    "X-Failed-Recipients");
	g_autoptr(GPtrArray) addrs = g_ptr_array_new_with_free_func(g_free);
	guint i;

	/* A delay warning is not a bounce. */
	if (strstr(lower, "delayed") || strstr(lower, "will keep trying") ||
	    strstr(lower, "will be retried") ||
	    strstr(lower, "this is a temporary error"))
		return;
	status = inbound_status_code(head);
	if (g_regex_match(reply_re, head, 0, &m)) {
		g_autofree char *line = g_match_info_fetch(m, 0);
		g_autofree char *code = g_match_info_fetch(m, 1);

		diag = g_strdup(g_strstrip(line));
		if (status == NULL)
			status = g_strdup(code[0] == '5' ? "5.0.0" : "4.0.0");
	}
	g_clear_pointer(&m, g_match_info_free);
	if (status == NULL)
		status = g_strdup("5.0.0");
	if (status[0] != '5')
		return;
	if (xfailed != NULL) {
		g_auto(GStrv) parts = g_strsplit(xfailed, ",", -1);
		char **p;

		for (p = parts; *p != NULL; p++) {
			char *a = inbound_address(*p);

			if (a != NULL)
				g_ptr_array_add(addrs, a);
		}
	}
	if (addrs->len == 0) {
		g_regex_match(addr_re, head, 0, &m);
		while (g_match_info_matches(m)) {
			g_autofree char *a = g_match_info_fetch(m, 1);
			char *addr = inbound_address(a);

			if (addr != NULL)
				g_ptr_array_add(addrs, addr);
			g_match_info_next(m, NULL);
		}
	}
	for (i = 0; i < addrs->len; i++)
		inbound_add(in, g_strdup(addrs->pdata[i]), status, diag);
	if (in->original_message_id == NULL && copy != NULL)
		in->original_message_id = inbound_quoted_message_id(copy);
}

MailInbound *
mail_inbound_parse(const char *data, gsize len, GError **error)
{
	GMimeMessage *msg;
	g_autoptr(MailInbound) in = NULL;
	GMimeObject *body;
	GMimeContentType *ct;
	struct walk w = { 0 };

	inbound_init();
	if ((msg = inbound_parse_bytes(data, len)) == NULL) {
		g_set_error(error, SUMMIT_MAIL_ERROR, MAIL_EPERM,
		    "not a MIME message");
		return NULL;
	}
	in = g_new0(MailInbound, 1);
	in->bounced = g_ptr_array_new_with_free_func(bounce_rcpt_free);
	in->message_id = inbound_bracket_id(g_mime_message_get_message_id(msg));
	body = g_mime_message_get_mime_part(msg);
	if (body == NULL) {
		g_object_unref(msg);
		return g_steal_pointer(&in);
	}
	w.in = in;
	w.text = g_string_new(NULL);
	w.quote = g_string_new(NULL);
	inbound_walk(&w, body);
	ct = g_mime_object_get_content_type(body);
	if (in->original_message_id == NULL && w.quote->len > 0)
		in->original_message_id = inbound_quoted_message_id(
		    w.quote->str);
	if (!w.report &&
	    !g_mime_content_type_is_type(ct, "multipart", "report") &&
	    inbound_looks_returned(msg))
		inbound_plain(in, msg, w.text->str);
	if (in->bounced->len > 0)
		in->kind = MAIL_INBOUND_BOUNCE;
	else if (in->calendar != NULL)
		in->kind = MAIL_INBOUND_REPLY;
	else
		in->kind = MAIL_INBOUND_OTHER;
	g_string_free(w.text, TRUE);
	g_string_free(w.quote, TRUE);
	g_object_unref(msg);
	return g_steal_pointer(&in);
}

const char *
mail_inbound_kind_name(enum mail_inbound_kind kind)
{
	switch (kind) {
	case MAIL_INBOUND_BOUNCE:
		return "bounce";
	case MAIL_INBOUND_REPLY:
		return "reply";
	default:
		return "other";
	}
}
