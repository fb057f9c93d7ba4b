/* bench.h — `optbench bench`: the lecture's workloads timed on the engine (GLib-free, so that it
 * also builds on the GPU machine). */
#ifndef OB_BENCH_H
#define OB_BENCH_H

/* argv[0] is "bench"; returns the process exit status (0, 1 when a result was wrong or a workload
 * failed, 2 for usage errors and for --device cuda, which has no backend yet). */
int ob_bench_main(int argc, char **argv);

#endif
