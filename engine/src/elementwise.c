/* elementwise.c */
#include "tn-internal.h"
