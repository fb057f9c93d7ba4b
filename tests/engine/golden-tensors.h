/* golden-tensors.h — rebuilding the input tensors that gen_view.py and gen_index.py describe:
 * per-dtype storages ("storage float32" records) viewed through named layouts ("layout c34"
 * records: shape|strides|offset). */
#ifndef OPTBENCH_TEST_GOLDEN_TENSORS_H
#define OPTBENCH_TEST_GOLDEN_TENSORS_H

#include "golden.h"
#include "tn.h"

/* "f32", "i64", "bool", ... as the generators abbreviate dtypes. */
tn_dtype golden_dtype_of_short(const char *s);
/* One value as the generators write it (hex float, decimal integer, 0/1). */
tn_scalar golden_parse_value(const char *s, tn_dtype dt);
/* "2,3,4" into out; returns the count ("" is none). */
int32_t golden_parse_ints(const char *s, int64_t *out);
/* "f32:c34": a view of that dtype's golden storage through layout c34 ("e0": an empty tensor);
 * *storage receives the storage tensor (NULL for e0), to release with the view. */
tn_tensor *golden_make_input(const golden_file *golden, const char *name, tn_tensor **storage);

/* The autograd tests' inputs, as gen_autograd.py and gen_autograd_nn.py build them: a float64 leaf
 * that requires grad, with smooth, distinct, non-zero values (positive: |v| + 0.5), and
 * sum(out * w) with fixed weights w, a scalar whose gradient is a generic VJP. */
double golden_leaf_value(int64_t i, int seed);
tn_tensor *golden_leaf(int32_t ndim, const int64_t *shape, int seed, bool positive);
tn_tensor *golden_weighted_sum(tn_tensor *out);

#endif
