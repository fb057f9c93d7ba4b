/* random.c */
#include "tn-internal.h"
