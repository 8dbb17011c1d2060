"""Item 6 of issue 10: agreement on a project of 100,000+ passages and three annotators.

    python bench/bench_agreement.py [--repeat 1]     # one run: the maths takes a minute or more

The project is corpus.py's `bench`: six transcripts, about 150,000 spoken passages, three
annotators, 101,000 annotations (the issue asks for 100,000 passages; this is the corpus's
project nearest to it). Every annotator counts (`all_annotators`: the corpus marks nobody
done). Reading the rows (agreement_inputs: four flat queries, no model instances) and the maths
(build_report) are timed apart; peak resident memory is this process's.
"""

import argparse
import resource

from common import save, setup, spread, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    setup()
    from annotations.agreement import build_report
    from annotations.agreement_data import agreement_inputs
    from annotations.models import Project

    project = Project.objects.get(slug="bench")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def read():
        return agreement_inputs(project, all_annotators=True)

    reads, inputs = timed(read, runs=options.repeat, slow=30, budget=120)
    maths, _ = timed(lambda: build_report(inputs), runs=options.repeat, slow=30, budget=120)
    result = {
        "passages": len(inputs.units),
        "annotations": len(inputs.annotations),
        "annotators": len(set().union(*inputs.coded.values())) if inputs.coded else 0,
        "read": spread(reads),
        "maths": spread(maths),
        "rss_before_mb": rss_before / 1024,
        "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(result, flush=True)
    save("agreement", result)


if __name__ == "__main__":
    main()
