/* index.c */
#include "tn-internal.h"
