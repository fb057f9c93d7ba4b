/* reduce.c */
#include "tn-internal.h"
