/* print.c */
#include "tn-internal.h"
