/* ms-json.c
 *
 * Copyright 2026 The Moneysocket Wallet Authors
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ms-error.h"
#include "ms-json-private.h"

/*
 * A strict RFC 8259 reader in one pass over the text. The document is two
 * allocations: a byte block (a copy of the text, which raw values point
 * into, followed by an arena where every string is decoded and
 * NUL-terminated) and the value array. Values of a container sit next to
 * each other in the value array, so element access is an index.
 */

struct _MsJsonValue
{
  MsJsonType  type;
  guint32     key_len;
  const char *key;       /* the member name, when the value sits in an object */
  const char *raw;       /* the exact source text of the value */
  gsize       raw_len;
  union
  {
    gboolean boolean;
    gint64   integer;
    gdouble  number;
    struct
    {
      const char *str;
      gsize       len;
    } string;
    struct
    {
      gsize              first; /* index of the first child while parsing */
      const MsJsonValue *children;
      guint              count;
    } container;
  } u;
};

struct _MsJsonDocument
{
  char        *bytes;    /* text copy + string arena */
  MsJsonValue *root;
  gsize        n_values;
  MsJsonValue  values[];
};

/* Values kept on the C stack before a parse needs the heap. */
#define STACK_VALUES 48

typedef struct
{
  MsJsonValue *items;
  gsize        len;
  gsize        cap;
  gboolean     on_heap;
} ValueStack;

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  char       *arena;      /* next free byte of the string arena */
  guint       depth;
  ValueStack  values;     /* placed children, the future document */
  ValueStack  pending;    /* children of the containers being parsed */
  GError    **error;
} Parser;

/* Byte classes inside a string: 0 copies as is. */
enum
{
  CH_PLAIN,
  CH_QUOTE,
  CH_ESCAPE,
  CH_CONTROL,
  CH_MULTIBYTE,
};

static const guint8 string_class[256] = {
  [0x00 ... 0x1f] = CH_CONTROL,
  ['"'] = CH_QUOTE,
  ['\\'] = CH_ESCAPE,
  [0x80 ... 0xff] = CH_MULTIBYTE,
};

/*
 * Word-at-a-time tests on 8 bytes (the "haszero"/"hasless" bit tricks):
 * exact as yes/no answers, so a clean word can be skipped whole.
 */
#define ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)
#define HAS_LESS(x, n) (((x) - ONES * (n)) & ~(x) & HIGHS)
#define HAS_BYTE(x, b) HAS_LESS ((x) ^ (ONES * (b)), 1)

static inline guint64
load64 (const guchar *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return v;
}

/* Whether none of the 8 bytes needs escaping in a JSON string. */
static inline gboolean
word_is_safe (guint64 x)
{
  return !(HAS_LESS (x, 0x20) | HAS_BYTE (x, '"') | HAS_BYTE (x, '\\'));
}

/* The end of the run of bytes from @p that a string copies unchanged. */
static const guchar *
skip_plain (const guchar *p,
            const guchar *end)
{
  while (end - p >= 8)
    {
      guint64 x = load64 (p);

      if (!word_is_safe (x) || (x & HIGHS) != 0)
        break;
      p += 8;
    }
  while (p < end && string_class[*p] == CH_PLAIN)
    p++;
  return p;
}

static gboolean parse_value (Parser      *parser,
                             MsJsonValue *out);

static gboolean G_GNUC_PRINTF (2, 3)
fail (Parser     *parser,
      const char *format,
      ...)
{
  g_autofree char *what = NULL;
  va_list args;

  /* Classifying frames parses without an error; don't format one then. */
  if (parser->error == NULL)
    return FALSE;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (parser->error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON,
               "json: %s at offset %" G_GSIZE_FORMAT, what, (gsize) (parser->p - parser->start));
  return FALSE;
}

static void
value_stack_init (ValueStack  *stack,
                  MsJsonValue *buffer,
                  gsize        cap)
{
  stack->items = buffer;
  stack->len = 0;
  stack->cap = cap;
  stack->on_heap = FALSE;
}

static void
value_stack_clear (ValueStack *stack)
{
  if (stack->on_heap)
    g_free (stack->items);
}

static void
value_stack_reserve (ValueStack *stack,
                     gsize       n)
{
  gsize cap = stack->cap;

  if (stack->len + n <= cap)
    return;

  while (cap < stack->len + n)
    cap *= 2;

  if (stack->on_heap)
    {
      stack->items = g_renew (MsJsonValue, stack->items, cap);
    }
  else
    {
      MsJsonValue *items = g_new (MsJsonValue, cap);

      memcpy (items, stack->items, stack->len * sizeof (MsJsonValue));
      stack->items = items;
      stack->on_heap = TRUE;
    }
  stack->cap = cap;
}

static void
value_stack_push (ValueStack        *stack,
                  const MsJsonValue *value)
{
  value_stack_reserve (stack, 1);
  stack->items[stack->len++] = *value;
}

static void
skip_whitespace (Parser *parser)
{
  const char *p = parser->p;

  /* RFC 8259 section 2: space, tab, line feed and carriage return only. */
  while (p < parser->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  parser->p = p;
}

/*
 * The length of the well-formed UTF-8 sequence at @p (RFC 3629 section 4):
 * no overlong forms, no surrogates, nothing above U+10FFFF. 0 if invalid.
 */
static gsize
utf8_sequence_len (const guchar *p,
                   const guchar *end)
{
  guchar c = p[0];
  guchar lo = 0x80;
  guchar hi = 0xbf;
  gsize n;

  if (c < 0x80)
    return 1;
  if (c < 0xc2)
    return 0;
  if (c < 0xe0)
    n = 2;
  else if (c < 0xf0)
    {
      n = 3;
      if (c == 0xe0)
        lo = 0xa0;
      else if (c == 0xed)
        hi = 0x9f;
    }
  else if (c < 0xf5)
    {
      n = 4;
      if (c == 0xf0)
        lo = 0x90;
      else if (c == 0xf4)
        hi = 0x8f;
    }
  else
    return 0;

  if ((gsize) (end - p) < n || p[1] < lo || p[1] > hi)
    return 0;
  for (gsize i = 2; i < n; i++)
    if ((p[i] & 0xc0) != 0x80)
      return 0;

  return n;
}

static char *
append_code_point (char    *out,
                   gunichar cp)
{
  if (cp < 0x80)
    {
      *out++ = (char) cp;
    }
  else if (cp < 0x800)
    {
      *out++ = (char) (0xc0 | (cp >> 6));
      *out++ = (char) (0x80 | (cp & 0x3f));
    }
  else if (cp < 0x10000)
    {
      *out++ = (char) (0xe0 | (cp >> 12));
      *out++ = (char) (0x80 | ((cp >> 6) & 0x3f));
      *out++ = (char) (0x80 | (cp & 0x3f));
    }
  else
    {
      *out++ = (char) (0xf0 | (cp >> 18));
      *out++ = (char) (0x80 | ((cp >> 12) & 0x3f));
      *out++ = (char) (0x80 | ((cp >> 6) & 0x3f));
      *out++ = (char) (0x80 | (cp & 0x3f));
    }
  return out;
}

/* Reads the 4 hex digits of a \u escape at parser->p. */
static gboolean
read_hex4 (Parser  *parser,
           gunichar *cp)
{
  gunichar v = 0;

  if (parser->end - parser->p < 4)
    return fail (parser, "truncated \\u escape");

  for (guint i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (parser->p[i]);

      if (d < 0)
        return fail (parser, "bad \\u escape");
      v = (v << 4) | (gunichar) d;
    }
  parser->p += 4;
  *cp = v;
  return TRUE;
}

/*
 * RFC 8259 section 7: a character outside the BMP is escaped as a UTF-16
 * surrogate pair. A lone surrogate is no character at all: rejected.
 */
static gboolean
decode_unicode_escape (Parser  *parser,
                       gunichar *cp)
{
  gunichar low;

  if (!read_hex4 (parser, cp))
    return FALSE;
  if (*cp >= 0xdc00 && *cp <= 0xdfff)
    return fail (parser, "lone low surrogate");
  if (*cp < 0xd800 || *cp > 0xdbff)
    return TRUE;

  if (parser->end - parser->p < 2 || parser->p[0] != '\\' || parser->p[1] != 'u')
    return fail (parser, "lone high surrogate");
  parser->p += 2;
  if (!read_hex4 (parser, &low))
    return FALSE;
  if (low < 0xdc00 || low > 0xdfff)
    return fail (parser, "high surrogate not followed by a low one");

  *cp = 0x10000 + ((*cp - 0xd800) << 10) + (low - 0xdc00);
  return TRUE;
}

/* parser->p is just past the backslash; writes the character to *out. */
static gboolean
decode_escape (Parser  *parser,
               char   **out)
{
  gunichar cp;
  char c;

  if (parser->p >= parser->end)
    return fail (parser, "unterminated string");

  c = *parser->p++;
  switch (c)
    {
    case '"': case '\\': case '/':
      *(*out)++ = c;
      return TRUE;
    case 'b':
      *(*out)++ = '\b';
      return TRUE;
    case 'f':
      *(*out)++ = '\f';
      return TRUE;
    case 'n':
      *(*out)++ = '\n';
      return TRUE;
    case 'r':
      *(*out)++ = '\r';
      return TRUE;
    case 't':
      *(*out)++ = '\t';
      return TRUE;
    case 'u':
      if (!decode_unicode_escape (parser, &cp))
        return FALSE;
      *out = append_code_point (*out, cp);
      return TRUE;
    default:
      parser->p--;
      return fail (parser, "unknown escape \\%c", g_ascii_isprint (c) ? c : '?');
    }
}

/*
 * parser->p is on the opening quote. The decoded text goes to the arena,
 * NUL-terminated; it never grows: every escape is longer than what it
 * stands for, and the two quotes pay for the NUL.
 */
static gboolean
parse_string (Parser      *parser,
              const char **str,
              gsize       *len)
{
  const guchar *end = (const guchar *) parser->end;
  char *out = parser->arena;

  *str = out;
  parser->p++;

  while (parser->p < parser->end)
    {
      const guchar *p = (const guchar *) parser->p;
      gsize n;

      switch (string_class[*p])
        {
        case CH_PLAIN:
          n = skip_plain (p, end) - p;
          memcpy (out, p, n);
          out += n;
          parser->p += n;
          break;
        case CH_QUOTE:
          parser->p++;
          *len = out - *str;
          *out++ = '\0';
          parser->arena = out;
          return TRUE;
        case CH_ESCAPE:
          parser->p++;
          if (!decode_escape (parser, &out))
            return FALSE;
          break;
        case CH_CONTROL:
          return fail (parser, "control character 0x%02x in a string", *p);
        case CH_MULTIBYTE:
          n = utf8_sequence_len (p, end);
          if (n == 0)
            return fail (parser, "invalid UTF-8");
          memcpy (out, p, n);
          out += n;
          parser->p += n;
          break;
        }
    }

  return fail (parser, "unterminated string");
}

static gboolean
parse_literal (Parser      *parser,
               const char  *word,
               gsize        len)
{
  if ((gsize) (parser->end - parser->p) < len || memcmp (parser->p, word, len) != 0)
    return fail (parser, "unexpected character");
  parser->p += len;
  return TRUE;
}

/* Exponents whose power of ten a double holds exactly. */
static const gdouble exact_powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Below this every integer is a double. */
#define MAX_EXACT_MANTISSA (G_GUINT64_CONSTANT (1) << 53)
/* Exponents are clamped here; g_ascii_strtod handles those cases. */
#define MAX_EXPONENT 100000

/* A number literal split up while it is checked. */
typedef struct
{
  gboolean negative;
  gboolean integral;
  gboolean overflow;   /* the digits do not fit the mantissa */
  guint64  mantissa;   /* all digits, the decimal point ignored */
  gint     exponent;   /* of ten, fraction digits included */
} Number;

static void
push_digit (Number *num,
            char    c)
{
  guint d = c - '0';

  if (num->overflow || num->mantissa > (G_MAXUINT64 - d) / 10)
    num->overflow = TRUE;
  else
    num->mantissa = num->mantissa * 10 + d;
}

static gboolean
read_fraction (Parser *parser,
               Number *num)
{
  const char *first = ++parser->p;

  num->integral = FALSE;
  for (; parser->p < parser->end && g_ascii_isdigit (*parser->p); parser->p++)
    {
      push_digit (num, *parser->p);
      num->exponent--;
    }
  if (parser->p == first)
    return fail (parser, "no digits after the decimal point");
  return TRUE;
}

static gboolean
read_exponent (Parser *parser,
               Number *num)
{
  gboolean negative = FALSE;
  const char *first;
  gint e = 0;

  num->integral = FALSE;
  parser->p++;
  if (parser->p < parser->end && (*parser->p == '+' || *parser->p == '-'))
    negative = *parser->p++ == '-';
  for (first = parser->p; parser->p < parser->end && g_ascii_isdigit (*parser->p); parser->p++)
    e = MIN (e * 10 + (*parser->p - '0'), MAX_EXPONENT);
  if (parser->p == first)
    return fail (parser, "no digits in the exponent");

  num->exponent += negative ? -e : e;
  return TRUE;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? (RFC 8259 section 6) */
static gboolean
read_number (Parser *parser,
             Number *num)
{
  if (*parser->p == '-')
    {
      num->negative = TRUE;
      parser->p++;
    }
  if (parser->p >= parser->end || !g_ascii_isdigit (*parser->p))
    return fail (parser, "bad number");

  if (*parser->p == '0')
    {
      parser->p++;
      if (parser->p < parser->end && g_ascii_isdigit (*parser->p))
        return fail (parser, "leading zero in a number");
    }
  for (; parser->p < parser->end && g_ascii_isdigit (*parser->p); parser->p++)
    push_digit (num, *parser->p);

  if (parser->p < parser->end && *parser->p == '.' && !read_fraction (parser, num))
    return FALSE;
  if (parser->p < parser->end && (*parser->p == 'e' || *parser->p == 'E') &&
      !read_exponent (parser, num))
    return FALSE;
  return TRUE;
}

/* g_ascii_strtod on a NUL-terminated copy of exactly the literal. */
static gdouble
literal_to_double (const char *literal,
                   gsize       len)
{
  char buf[64];
  g_autofree char *heap = NULL;
  char *copy = buf;

  if (len >= sizeof buf)
    copy = heap = g_malloc (len + 1);
  memcpy (copy, literal, len);
  copy[len] = '\0';

  return g_ascii_strtod (copy, NULL);
}

/*
 * Clinger's fast path: with a mantissa below 2^53 and a power of ten a
 * double holds exactly, one IEEE multiplication or division is correctly
 * rounded. Everything else goes through g_ascii_strtod.
 */
static gdouble
number_to_double (const Number *num,
                  const char   *literal,
                  gsize         len)
{
  gint e = num->exponent;
  gdouble d;

  if (num->overflow || num->mantissa > MAX_EXACT_MANTISSA ||
      e < -(gint) G_N_ELEMENTS (exact_powers_of_ten) + 1 ||
      e > (gint) G_N_ELEMENTS (exact_powers_of_ten) - 1)
    return literal_to_double (literal, len);

  d = (gdouble) num->mantissa;
  d = e < 0 ? d / exact_powers_of_ten[-e] : d * exact_powers_of_ten[e];
  return num->negative ? -d : d;
}

/*
 * An integer literal that fits gint64 is MS_JSON_INTEGER; any other
 * number a double, out-of-range ones +-inf or 0 as with Python's float().
 */
static gboolean
parse_number (Parser      *parser,
              MsJsonValue *out)
{
  const char *start = parser->p;
  Number num = { FALSE, TRUE, FALSE, 0, 0 };

  if (!read_number (parser, &num))
    return FALSE;

  if (num.integral && !num.overflow &&
      num.mantissa <= (guint64) G_MAXINT64 + (num.negative ? 1 : 0))
    {
      out->type = MS_JSON_INTEGER;
      out->u.integer = num.negative ? (gint64) (0 - num.mantissa) : (gint64) num.mantissa;
    }
  else
    {
      out->type = MS_JSON_DOUBLE;
      out->u.number = number_to_double (&num, start, parser->p - start);
    }
  return TRUE;
}

static gboolean
enter_container (Parser *parser)
{
  if (++parser->depth > MS_JSON_MAX_DEPTH)
    return fail (parser, "nested deeper than %d", MS_JSON_MAX_DEPTH);
  parser->p++;
  skip_whitespace (parser);
  return TRUE;
}

/* Moves the children pending since @mark to the value array. */
static void
close_container (Parser      *parser,
                 MsJsonValue *out,
                 gsize        mark)
{
  gsize count = parser->pending.len - mark;

  value_stack_reserve (&parser->values, count);
  memcpy (parser->values.items + parser->values.len, parser->pending.items + mark,
          count * sizeof (MsJsonValue));
  out->u.container.first = parser->values.len;
  out->u.container.count = count;
  parser->values.len += count;
  parser->pending.len = mark;
  parser->depth--;
}

/* After a child: a separator or the closing character. */
static gboolean
after_child (Parser   *parser,
             char      close,
             gboolean *done)
{
  skip_whitespace (parser);
  if (parser->p < parser->end && *parser->p == ',')
    {
      parser->p++;
      skip_whitespace (parser);
      *done = FALSE;
      return TRUE;
    }
  if (parser->p < parser->end && *parser->p == close)
    {
      parser->p++;
      *done = TRUE;
      return TRUE;
    }
  return fail (parser, "expected ',' or '%c'", close);
}

static gboolean
parse_array (Parser      *parser,
             MsJsonValue *out)
{
  gsize mark = parser->pending.len;
  gboolean done = FALSE;

  out->type = MS_JSON_ARRAY;
  if (!enter_container (parser))
    return FALSE;

  if (parser->p < parser->end && *parser->p == ']')
    {
      parser->p++;
      done = TRUE;
    }
  while (!done)
    {
      MsJsonValue child;

      if (!parse_value (parser, &child))
        return FALSE;
      value_stack_push (&parser->pending, &child);
      if (!after_child (parser, ']', &done))
        return FALSE;
    }

  close_container (parser, out, mark);
  return TRUE;
}

static gboolean
parse_member (Parser *parser)
{
  MsJsonValue child;
  const char *key;
  gsize key_len;

  if (parser->p >= parser->end || *parser->p != '"')
    return fail (parser, "expected a member name");
  if (!parse_string (parser, &key, &key_len))
    return FALSE;
  if (key_len > G_MAXUINT32)
    return fail (parser, "member name too long");

  skip_whitespace (parser);
  if (parser->p >= parser->end || *parser->p != ':')
    return fail (parser, "expected ':'");
  parser->p++;
  skip_whitespace (parser);

  if (!parse_value (parser, &child))
    return FALSE;
  child.key = key;
  child.key_len = key_len;
  value_stack_push (&parser->pending, &child);
  return TRUE;
}

static gboolean
parse_object (Parser      *parser,
              MsJsonValue *out)
{
  gsize mark = parser->pending.len;
  gboolean done = FALSE;

  out->type = MS_JSON_OBJECT;
  if (!enter_container (parser))
    return FALSE;

  if (parser->p < parser->end && *parser->p == '}')
    {
      parser->p++;
      done = TRUE;
    }
  while (!done)
    {
      if (!parse_member (parser))
        return FALSE;
      if (!after_child (parser, '}', &done))
        return FALSE;
    }

  close_container (parser, out, mark);
  return TRUE;
}

static gboolean
parse_value_body (Parser      *parser,
                  MsJsonValue *out)
{
  switch (*parser->p)
    {
    case '{':
      return parse_object (parser, out);
    case '[':
      return parse_array (parser, out);
    case '"':
      out->type = MS_JSON_STRING;
      return parse_string (parser, &out->u.string.str, &out->u.string.len);
    case 't':
      out->type = MS_JSON_BOOLEAN;
      out->u.boolean = TRUE;
      return parse_literal (parser, "true", 4);
    case 'f':
      out->type = MS_JSON_BOOLEAN;
      out->u.boolean = FALSE;
      return parse_literal (parser, "false", 5);
    case 'n':
      out->type = MS_JSON_NULL;
      return parse_literal (parser, "null", 4);
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return parse_number (parser, out);
    default:
      return fail (parser, "unexpected character");
    }
}

static gboolean
parse_value (Parser      *parser,
             MsJsonValue *out)
{
  const char *start = parser->p;

  if (parser->p >= parser->end)
    return fail (parser, "unexpected end of text");

  out->key = NULL;
  out->key_len = 0;
  if (!parse_value_body (parser, out))
    return FALSE;
  out->raw = start;
  out->raw_len = parser->p - start;
  return TRUE;
}

/* Turns child indices into pointers, now that the value array is final. */
static void
link_children (MsJsonDocument *doc)
{
  for (gsize i = 0; i < doc->n_values; i++)
    {
      MsJsonValue *v = &doc->values[i];

      if (v->type == MS_JSON_ARRAY || v->type == MS_JSON_OBJECT)
        v->u.container.children = doc->values + v->u.container.first;
    }
}

static MsJsonDocument *
finish_document (Parser *parser,
                 char   *bytes)
{
  MsJsonDocument *doc;
  gsize n = parser->values.len;

  doc = g_malloc (sizeof (MsJsonDocument) + n * sizeof (MsJsonValue));
  doc->bytes = bytes;
  doc->n_values = n;
  memcpy (doc->values, parser->values.items, n * sizeof (MsJsonValue));
  doc->root = &doc->values[n - 1];
  link_children (doc);
  return doc;
}

/* A cheap look at the first byte, so that cyphertext fails before any copy. */
static gboolean
may_start_value (const char *text,
                 gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      switch (text[i])
        {
        case ' ': case '\t': case '\r': case '\n':
          continue;
        case '{': case '[': case '"': case 't': case 'f': case 'n': case '-':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          return TRUE;
        default:
          return FALSE;
        }
    }
  return FALSE;
}

static gboolean
run_parser (Parser *parser)
{
  MsJsonValue root;

  skip_whitespace (parser);
  if (!parse_value (parser, &root))
    return FALSE;
  skip_whitespace (parser);
  if (parser->p != parser->end)
    return fail (parser, "unexpected text after the value");

  value_stack_push (&parser->values, &root);
  return TRUE;
}

/**
 * ms_json_document_parse:
 * @text: UTF-8 JSON text, not necessarily NUL-terminated
 * @len: its length in bytes
 * @error: return location for a %MS_MESSAGE_ERROR_JSON error
 *
 * Parses exactly one RFC 8259 JSON text, strictly (see ms-json.h).
 * Duplicate member names are kept; ms_json_object_get_member() finds the
 * last one, as Python's json.loads() does.
 *
 * Returns: (transfer full): the document, or %NULL
 */
MsJsonDocument *
ms_json_document_parse (const char  *text,
                        gsize        len,
                        GError     **error)
{
  MsJsonValue values_buf[STACK_VALUES];
  MsJsonValue pending_buf[STACK_VALUES];
  g_autofree char *bytes = NULL;
  MsJsonDocument *doc = NULL;
  Parser parser;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!may_start_value (text, len))
    {
      g_set_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON,
                   len == 0 ? "json: empty text" : "json: not a JSON value");
      return NULL;
    }
  if (len > G_MAXSIZE / 2 - 2)
    {
      g_set_error (error, MS_MESSAGE_ERROR, MS_MESSAGE_ERROR_JSON, "json: text too long");
      return NULL;
    }

  bytes = g_malloc (2 * len + 2);
  memcpy (bytes, text, len);
  bytes[len] = '\0';

  parser.start = parser.p = bytes;
  parser.end = bytes + len;
  parser.arena = bytes + len + 1;
  parser.depth = 0;
  parser.error = error;
  value_stack_init (&parser.values, values_buf, STACK_VALUES);
  value_stack_init (&parser.pending, pending_buf, STACK_VALUES);

  if (run_parser (&parser))
    doc = finish_document (&parser, g_steal_pointer (&bytes));

  value_stack_clear (&parser.values);
  value_stack_clear (&parser.pending);
  return doc;
}

void
ms_json_document_free (MsJsonDocument *doc)
{
  if (doc == NULL)
    return;

  g_free (doc->bytes);
  g_free (doc);
}

const MsJsonValue *
ms_json_document_get_root (const MsJsonDocument *doc)
{
  g_return_val_if_fail (doc != NULL, NULL);

  return doc->root;
}

gboolean
ms_json_is_valid (const char *text,
                  gsize       len)
{
  g_autoptr(MsJsonDocument) doc = NULL;

  g_return_val_if_fail (text != NULL || len == 0, FALSE);

  doc = ms_json_document_parse (text, len, NULL);
  return doc != NULL;
}

MsJsonType
ms_json_value_get_value_type (const MsJsonValue *value)
{
  g_return_val_if_fail (value != NULL, MS_JSON_NULL);

  return value->type;
}

gboolean
ms_json_value_get_boolean (const MsJsonValue *value)
{
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (value->type == MS_JSON_BOOLEAN, FALSE);

  return value->u.boolean;
}

gint64
ms_json_value_get_integer (const MsJsonValue *value)
{
  g_return_val_if_fail (value != NULL, 0);
  g_return_val_if_fail (value->type == MS_JSON_INTEGER, 0);

  return value->u.integer;
}

/* Any number, integer or not, as a double. */
gdouble
ms_json_value_get_double (const MsJsonValue *value)
{
  g_return_val_if_fail (value != NULL, 0.0);
  g_return_val_if_fail (value->type == MS_JSON_INTEGER || value->type == MS_JSON_DOUBLE, 0.0);

  if (value->type == MS_JSON_INTEGER)
    return (gdouble) value->u.integer;
  return value->u.number;
}

/*
 * The decoded string, NUL-terminated; it may contain NULs (\u0000), so
 * @len is the real length.
 */
const char *
ms_json_value_get_string (const MsJsonValue *value,
                          gsize             *len)
{
  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (value->type == MS_JSON_STRING, NULL);

  if (len != NULL)
    *len = value->u.string.len;
  return value->u.string.str;
}

/* The exact source text of the value (not NUL-terminated). */
const char *
ms_json_value_get_raw (const MsJsonValue *value,
                       gsize             *len)
{
  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (len != NULL, NULL);

  *len = value->raw_len;
  return value->raw;
}

/* Elements of an array, members of an object (duplicates included); else 0. */
guint
ms_json_value_get_length (const MsJsonValue *value)
{
  g_return_val_if_fail (value != NULL, 0);

  if (value->type == MS_JSON_ARRAY || value->type == MS_JSON_OBJECT)
    return value->u.container.count;
  return 0;
}

const MsJsonValue *
ms_json_array_get_element (const MsJsonValue *array,
                           guint              index)
{
  g_return_val_if_fail (array != NULL, NULL);
  g_return_val_if_fail (array->type == MS_JSON_ARRAY, NULL);
  g_return_val_if_fail (index < array->u.container.count, NULL);

  return &array->u.container.children[index];
}

const char *
ms_json_object_get_key (const MsJsonValue *object,
                        guint              index,
                        gsize             *len)
{
  const MsJsonValue *member;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (object->type == MS_JSON_OBJECT, NULL);
  g_return_val_if_fail (index < object->u.container.count, NULL);

  member = &object->u.container.children[index];
  if (len != NULL)
    *len = member->key_len;
  return member->key;
}

const MsJsonValue *
ms_json_object_get_value_at (const MsJsonValue *object,
                             guint              index)
{
  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (object->type == MS_JSON_OBJECT, NULL);
  g_return_val_if_fail (index < object->u.container.count, NULL);

  return &object->u.container.children[index];
}

/* The last member named @key (Python json.loads semantics), or %NULL. */
const MsJsonValue *
ms_json_object_get_member_len (const MsJsonValue *object,
                               const char        *key,
                               gsize              key_len)
{
  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (object->type == MS_JSON_OBJECT, NULL);
  g_return_val_if_fail (key != NULL || key_len == 0, NULL);

  for (guint i = object->u.container.count; i > 0; i--)
    {
      const MsJsonValue *member = &object->u.container.children[i - 1];

      if (member->key_len == key_len && memcmp (member->key, key, key_len) == 0)
        return member;
    }
  return NULL;
}

const MsJsonValue *
ms_json_object_get_member (const MsJsonValue *object,
                           const char        *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  return ms_json_object_get_member_len (object, key, strlen (key));
}

/* Strict UTF-8, the same rules as the parser's strings. */
gboolean
ms_json_utf8_validate (const char *str,
                       gsize       len)
{
  const guchar *p = (const guchar *) str;
  const guchar *end = p + len;

  g_return_val_if_fail (str != NULL || len == 0, FALSE);

  while (p < end)
    {
      gsize n;

      if (end - p >= 8 && (load64 (p) & HIGHS) == 0)
        {
          p += 8;
          continue;
        }
      if (*p < 0x80)
        {
          p++;
          continue;
        }
      n = utf8_sequence_len (p, end);
      if (n == 0)
        return FALSE;
      p += n;
    }
  return TRUE;
}

/* Code points in valid UTF-8, what Python's len() counts. */
gsize
ms_json_utf8_n_chars (const char *str,
                      gsize       len)
{
  gsize n = 0;

  g_return_val_if_fail (str != NULL || len == 0, 0);

  for (gsize i = 0; i < len; i++)
    if (((guchar) str[i] & 0xc0) != 0x80)
      n++;
  return n;
}

/* Bytes that a JSON string cannot hold raw (RFC 8259 section 7). */
static const guint8 needs_escape[256] = {
  [0x00 ... 0x1f] = 1,
  ['"'] = 1,
  ['\\'] = 1,
};

static void
append_escaped_byte (GString *out,
                     guchar   c)
{
  static const char digits[] = "0123456789abcdef";
  char buf[6] = { '\\', 'u', '0', '0', digits[c >> 4], digits[c & 0xf] };

  switch (c)
    {
    case '"':
      _ms_json_put (out, "\\\"", 2);
      break;
    case '\\':
      _ms_json_put (out, "\\\\", 2);
      break;
    case '\n':
      _ms_json_put (out, "\\n", 2);
      break;
    case '\r':
      _ms_json_put (out, "\\r", 2);
      break;
    case '\t':
      _ms_json_put (out, "\\t", 2);
      break;
    case '\b':
      _ms_json_put (out, "\\b", 2);
      break;
    case '\f':
      _ms_json_put (out, "\\f", 2);
      break;
    default:
      _ms_json_put (out, buf, sizeof buf);
      break;
    }
}

/**
 * ms_json_append_string:
 * @out: where to append
 * @str: valid UTF-8
 * @len: its length, or -1 if NUL-terminated
 *
 * Appends @str as a JSON string literal the way JavaScript's
 * JSON.stringify() does: `"`, `\` and control characters escaped, every
 * other character (non-ASCII included) written raw.
 */
void
ms_json_append_string (GString    *out,
                       const char *str,
                       gssize      len)
{
  const guchar *p = (const guchar *) str;
  const guchar *end;
  const guchar *run;

  g_return_if_fail (out != NULL);
  g_return_if_fail (str != NULL || len <= 0);

  if (len < 0)
    len = strlen (str);
  end = p + len;

  _ms_json_put (out, "\"", 1);
  for (run = p; p < end; p++)
    {
      while (end - p >= 8 && word_is_safe (load64 (p)))
        p += 8;
      if (p == end)
        break;
      if (G_LIKELY (!needs_escape[*p]))
        continue;
      _ms_json_put (out, (const char *) run, p - run);
      append_escaped_byte (out, *p);
      run = p + 1;
    }
  _ms_json_put (out, (const char *) run, p - run);
  _ms_json_put (out, "\"", 1);
}

/* The shortest of %.15g, %.16g, %.17g that reads back as @value. */
static void
format_shortest (char    *buf,
                 gsize    size,
                 gdouble  value)
{
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, size, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        return;
    }
}

/**
 * ms_json_append_double:
 * @out: where to append
 * @value: the number
 *
 * Appends the shortest text that reads back as exactly @value. Integral
 * values get a ".0" ("55.0", as Python writes floats) so that they read
 * back as a double, not an integer. JSON has no infinities: +-inf, which
 * the parser produces for out-of-range literals such as 1e400, are written
 * as 1e999 / -1e999, which every reader turns back into +-inf; NaN, which no
 * parse produces, is written as null (as JSON.stringify() does).
 */
void
ms_json_append_double (GString *out,
                       gdouble  value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (out != NULL);

  if (value != value)
    {
      _ms_json_put (out, "null", 4);
      return;
    }
  if (value > G_MAXDOUBLE || value < -G_MAXDOUBLE)
    {
      g_string_append (out, value > 0 ? "1e999" : "-1e999");
      return;
    }

  format_shortest (buf, sizeof buf, value);
  g_string_append (out, buf);
  if (strpbrk (buf, ".eE") == NULL)
    _ms_json_put (out, ".0", 2);
}

/* Appends @value in decimal, without going through printf. */
void
ms_json_append_uint64 (GString *out,
                       guint64  value)
{
  char buf[24];
  char *p = buf + sizeof buf;

  g_return_if_fail (out != NULL);

  do
    {
      *--p = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value != 0);

  _ms_json_put (out, p, buf + sizeof buf - p);
}

void
ms_json_append_int64 (GString *out,
                      gint64   value)
{
  g_return_if_fail (out != NULL);

  if (value < 0)
    {
      _ms_json_put (out, "-", 1);
      ms_json_append_uint64 (out, 0 - (guint64) value);
      return;
    }
  ms_json_append_uint64 (out, value);
}

/* Timestamps past this many seconds (year 33658) are written as doubles. */
#define MAX_TIMESTAMP 1e12

/**
 * ms_json_append_timestamp:
 * @out: where to append
 * @seconds: UNIX time in seconds
 *
 * Appends @seconds rounded to the microsecond, with up to 6 decimals and
 * trailing zeros trimmed: "1612345678.901", or "1612345678.0" for a whole
 * second (a float, as Python's time.time() prints). Reading the text back
 * and rounding to the microsecond gives the same microsecond. Negative,
 * huge and non-finite values fall back to ms_json_append_double().
 */
void
ms_json_append_timestamp (GString *out,
                          gdouble  seconds)
{
  guint64 us;
  guint frac;
  char digits[7];
  gsize n = 6;

  g_return_if_fail (out != NULL);

  if (!(seconds >= 0 && seconds < MAX_TIMESTAMP))
    {
      ms_json_append_double (out, seconds);
      return;
    }

  us = (guint64) (seconds * G_USEC_PER_SEC + 0.5);
  ms_json_append_uint64 (out, us / G_USEC_PER_SEC);
  frac = us % G_USEC_PER_SEC;
  _ms_json_put (out, ".", 1);
  if (frac == 0)
    {
      _ms_json_put (out, "0", 1);
      return;
    }

  for (gsize i = 6; i > 0; i--)
    {
      digits[i - 1] = (char) ('0' + frac % 10);
      frac /= 10;
    }
  while (digits[n - 1] == '0')
    n--;
  _ms_json_put (out, digits, n);
}
