"""Regenerate the pins for the wild cluster bootstrap (``wild_small.csv``, ``wild_small_wildboottest.json``).

The reference is the ``wildboottest`` package (0.3.2, PyPI; the implementation pyfixest's
``Feols.wildboottest`` calls), which is not a dependency of the project. To rerun:

    pip install --target /tmp/wbt --no-deps wildboottest==0.3.2
    PYTHONPATH=/tmp/wbt python tests/engines/evaluation/reference/wild_bootstrap_reference.py

wildboottest imports numba only for speed (``njit``/``prange``); where numba is not installed, a
stand-in module whose ``njit`` returns the function unchanged and whose ``prange`` is ``range`` runs the
same arithmetic in pure Python. With 8 clusters and Rademacher weights wildboottest enumerates all
2^8 = 256 weight vectors (in ``itertools.product([-1, 1], repeat=8)`` order), so the bootstrap t's are
deterministic and can be compared draw by draw.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def make_data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    clusters, per_cell = 8, 10
    municipality = np.repeat(np.arange(clusters), 2 * per_cell)
    post = np.tile(np.repeat([0, 1], per_cell), clusters)
    treat = (municipality < 3).astype(int)
    shock = rng.normal(0, 1, (clusters, 2))  # municipality × period shocks
    value = 1 + 0.5 * treat + 0.8 * post + 1.0 * treat * post + shock[municipality, post]
    value = value + rng.normal(0, 1, len(municipality))
    return pd.DataFrame({"municipality": municipality, "treat": treat, "post": post, "value": value.round(6)})


def main() -> None:
    from wildboottest.wildboottest import WildboottestCL

    data = make_data()
    data.to_csv(HERE / "wild_small.csv", index=False)
    data = pd.read_csv(HERE / "wild_small.csv")
    X = np.column_stack(
        [np.ones(len(data)), data["treat"], data["post"], data["treat"] * data["post"]]
    ).astype(float)
    boot = WildboottestCL(
        X=X,
        Y=data["value"].to_numpy(),
        cluster=data["municipality"].to_numpy(),
        bootcluster=data["municipality"].to_numpy(),
        R=np.array([0, 0, 0, 1.0]),
        B=9999,
        seed=1,
    )
    boot.get_scores(bootstrap_type="11", impose_null=True)
    boot.get_weights("rademacher")
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    boot.get_pvalue(pval_type="two-tailed")
    pins = {
        "_source": (
            "wildboottest 0.3.2: WildboottestCL(X=[1, treat, post, treat*post], Y=value, cluster=bootcluster="
            "municipality, R=[0,0,0,1], B=9999).get_scores(bootstrap_type='11', impose_null=True); "
            "get_weights('rademacher') (full enumeration of the 2^8 vectors); t_stat, t_boot and the "
            "two-tailed pvalue = mean(|t| < |t*|). Run by wild_bootstrap_reference.py."
        ),
        "t_stat": float(np.ravel(boot.t_stat)[0]),
        "p_value": float(boot.pvalue),
        "t_boot": [float(v) for v in np.ravel(boot.t_boot)],
    }
    (HERE / "wild_small_wildboottest.json").write_text(json.dumps(pins, indent=1) + "\n")


if __name__ == "__main__":
    main()
