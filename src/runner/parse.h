/* parse.h — tokens shared by the lexer and the parser. */
#ifndef PARSE_H
#define PARSE_H

#include "rt.h"

enum { T_EOF, T_NEWLINE, T_INDENT, T_DEDENT, T_NAME, T_INT, T_FLOAT, T_STRING, T_OP };

typedef struct Token {
  int type;
  int line, col;      /* col: 0-based byte offset in the line */
  int end_col;
  char op[4];         /* T_OP: the punctuation */
  Str *s;             /* T_NAME (interned), T_STRING (decoded text; raw body for f-strings) */
  bool fstr, raw, bytes;
  int64_t i;
  double f;
} Token;

typedef struct TokenList { Token *v; int n, cap; } TokenList;

/* Tokenizes src into *out; returns 0, or -1 with *err filled. */
int lex(VM *vm, const char *src, TokenList *out, SyntaxErr *err);
void tokens_free(VM *vm, TokenList *t);
/* Decodes Python escapes of s[0..n) into b (raw: none). Returns -1 on a bad \x/\u escape. */
int decode_escapes(const char *s, int64_t n, bool raw, Buf *b);

#endif
