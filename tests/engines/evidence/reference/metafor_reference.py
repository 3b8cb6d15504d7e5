"""Reference values from R's metafor, each with the R call that produced it and where it is published.

Sources (all public):

[T-metan]   metafor tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r (values agree with Stata metan)
[T-confint] metafor tests/testthat/test_misc_confint.r
[T-infl]    metafor tests/testthat/test_misc_influence.r (full-precision dput() of metafor output)
[T-list]    metafor tests/testthat/test_misc_list_rma.r (full-precision dput() of predict())
[T-rmauni]  metafor tests/testthat/test_misc_rma_uni.r
[T-normand] metafor tests/testthat/test_analysis_example_normand1999.r (Normand 1999, Stat Med, Tables VIII-IX)
[T-pubbias] metafor tests/testthat/test_misc_pub_bias.r
[T-anova]   metafor tests/testthat/test_misc_anova.r
[T-ders]    metafor tests/testthat/test_analysis_example_dersimonian2007.r (DerSimonian & Kacker 2007,
            Contemp Clin Trials 28:105-114, Tables 3-4; the CLASP data are written out in the test)
[JSS]       Viechtbauer W (2010). Conducting meta-analyses in R with the metafor package. J Stat Softw 36(3),
            printed output of `rma(yi, vi, data=dat)` and `predict(res, transf=exp)` for dat.bcg.
[SM-meta]   statsmodels statsmodels/stats/tests/results/results_meta.py: metafor output for the Kacker (2004)
            example, each block headed by the R call (control=list(tol=1e-9)).
[T-escalc]  metafor tests/testthat/test_misc_escalc.r (metafor 5.1-12 sources, tolerances .01 in its
            tests/testthat/settings.r; the pins are printed to 4 decimals)
[SM-smd]    statsmodels statsmodels/stats/tests/test_meta.py::TestEffSmdMeta, metafor
            `escalc(measure="SMD", ...)` yi and default (large-sample) vi for the Chen & Peace example.

Tolerances in the tests follow the digits published: 4 decimals where the source rounds to 4; 1e-6 where a
full-precision value comes from metafor's REML iteration (metafor stops when the change in tau^2 is below
1e-5, we iterate to 1e-10, so the last digits differ).
"""

import numpy as np

# ---------------------------------------------------------------------------------------------------------
# Data sets
# ---------------------------------------------------------------------------------------------------------

#: metafor's dat.bcg (Colditz et al. 1994): tpos, tneg, cpos, cneg. Checked by reproducing [T-metan]'s FE
#: estimate and Q to 4 decimals (any typo in a count would move them).
BCG = np.array(
    [
        [4, 119, 11, 128],
        [6, 300, 29, 274],
        [3, 228, 11, 209],
        [62, 13536, 248, 12619],
        [33, 5036, 47, 5761],
        [180, 1361, 372, 1079],
        [8, 2537, 10, 619],
        [505, 87886, 499, 87892],
        [29, 7470, 45, 7232],
        [17, 1699, 65, 1600],
        [186, 50448, 141, 27197],
        [5, 2493, 3, 2338],
        [27, 16886, 29, 17825],
    ],
    dtype=float,
)
#: Absolute latitude, from model.matrix(rma(yi, vi, mods = ~ ablat, data=dat)) in [T-infl].
BCG_ABLAT = np.array([44, 55, 42, 52, 13, 44, 19, 13, 27, 42, 18, 33, 33], dtype=float)

#: Allocation of the BCG trials (dat.bcg$alloc); checked by reproducing [T-anova]'s QM for the alloc dummies.
BCG_ALLOC = ["random"] * 4 + ["alternate"] * 2 + ["random"] * 3 + ["systematic"] * 4

#: metafor's dat.normand1999 (Normand 1999, Table VIII): n1i, m1i, sd1i, n2i, m2i, sd2i. Checked by
#: reproducing [T-normand]'s yi and vi for the mean differences.
NORMAND = np.array(
    [
        [155, 55, 47, 156, 75, 64],
        [31, 27, 7, 32, 29, 4],
        [75, 64, 17, 71, 119, 29],
        [18, 66, 20, 18, 137, 48],
        [8, 14, 8, 13, 18, 11],
        [57, 19, 7, 52, 18, 4],
        [34, 52, 45, 33, 41, 34],
        [110, 21, 16, 183, 31, 27],
        [60, 30, 27, 52, 23, 20],
    ],
    dtype=float,
)

#: metafor's dat.egger2001 (intravenous magnesium, 16 trials): ai, n1i, ci, n2i. Trial 8 has a zero cell.
EGGER2001 = np.array(
    [
        [1, 40, 2, 36],
        [9, 135, 23, 135],
        [2, 200, 7, 200],
        [1, 48, 1, 46],
        [10, 150, 8, 148],
        [1, 59, 9, 56],
        [1, 25, 3, 23],
        [0, 22, 1, 21],
        [6, 76, 11, 75],
        [1, 27, 7, 27],
        [2, 89, 12, 80],
        [5, 23, 13, 33],
        [4, 130, 8, 122],
        [90, 1159, 118, 1157],
        [4, 107, 17, 108],
        [2216, 29011, 2103, 29039],
    ],
    dtype=float,
)

#: Kacker (2004) example, [SM-meta]: y and v as in the R call.
KACKER_Y = np.array([61.0, 61.4, 62.21, 62.3, 62.34, 62.6, 62.7, 62.84, 65.9])
KACKER_V = np.array([0.2025, 1.2100, 0.0900, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225])

#: Chen & Peace, Applied Meta-Analysis with R, [SM-smd]: m1i, sd1i, n1i, m2i, sd2i, n2i.
CHEN_PEACE = np.array(
    [
        [94, 22, 60, 92, 20, 60],
        [98, 21, 65, 92, 22, 65],
        [98, 28, 40, 88, 26, 40],
        [94, 19, 200, 82, 17, 200],
        [98, 21, 50, 88, 22, 45],
        [96, 21, 85, 92, 22, 85],
    ],
    dtype=float,
)

# ---------------------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------------------

#: [T-metan] dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
#:           res <- rma(yi, vi, data=dat, method="FE")
BCG_RR_FE = {"estimate": -0.4303, "ci_low": -0.5097, "ci_high": -0.3509, "stat": -10.6247, "q": 152.2330}
#: [T-metan] res <- rma(yi, vi, data=dat, method="DL")
BCG_RR_DL = {
    "estimate": -0.7141,
    "ci_low": -1.0644,
    "ci_high": -0.3638,
    "stat": -3.9952,
    "tau2": 0.3088,
    "i2": 92.1173,
}
#: [T-confint] confint(rma(yi, vi, data=dat, method="DL")): rows tau^2, I^2(%), H^2 (estimate, ci.lb, ci.ub)
BCG_RR_DL_CONFINT = {
    "tau2": (0.3088, 0.1197, 1.1115),
    "i2": (92.1173, 81.9177, 97.6781),
    "h2": (12.6861, 5.5303, 43.0680),
}
#: [T-infl] res <- rma(yi, vi, data=dat) (REML): res$tau2 and res$QE at full precision
BCG_RR_REML_TAU2 = 0.313243325980895
BCG_RR_REML_QE = 152.233008082373
#: [JSS] rma(yi, vi, data=dat): estimate, se, zval, ci.lb, ci.ub, tau^2, I^2, H^2
BCG_RR_REML = {
    "estimate": -0.7145,
    "se": 0.1798,
    "stat": -3.9744,
    "ci_low": -1.0669,
    "ci_high": -0.3622,
    "tau2": 0.3132,
    "i2": 92.22,
    "h2": 12.86,
}
#: [JSS] predict(res, transf=exp): pred, ci.lb, ci.ub, pi.lb (cr.lb), pi.ub (cr.ub)
BCG_RR_REML_PREDICT_EXP = {
    "pred": 0.4894,
    "ci_low": 0.3441,
    "ci_high": 0.6962,
    "pi_low": 0.1546,
    "pi_high": 1.5490,
}
#: [T-infl] leave1out(rma(yi, vi, data=dat))[1]: the fit without trial 1
BCG_RR_REML_LOO_1 = {
    "estimate": -0.707083788031436,
    "se": 0.189961024702717,
    "ci_low": -1.07940055491509,
    "ci_high": -0.334767021147788,
    "q": 151.582572747109,
    "q_p": 7.0778599767807e-27,
    "tau2": 0.336156745300306,
    "i2": 93.2259349111223,
    "h2": 14.762184698253,
}
#: [T-list] res <- rma(yi, vi, mods = ~ ablat, data=dat); predict(res)[1:3, c("pred", "se")]
#: (trials 1-3 have ablat 44, 55, 42)
BCG_RR_REML_ABLAT_PRED = {
    44.0: (-1.02900878645837, 0.140375124151501),
    55.0: (-1.34912705666653, 0.201103941277043),
    42.0: (-0.97080546460234, 0.131456743392091),
}

#: [T-metan] escalc(measure="OR", ...) then rma(..., method="FE") and method="DL"
BCG_OR_FE = {"estimate": -0.4361, "ci_low": -0.5190, "ci_high": -0.3533, "stat": -10.3190, "q": 163.1649}
BCG_OR_DL = {
    "estimate": -0.7474,
    "ci_low": -1.1242,
    "ci_high": -0.3706,
    "stat": -3.8873,
    "tau2": 0.3663,
    "i2": 92.6455,
}
#: [T-metan] escalc(measure="RD", ...) then rma(..., method="FE") and method="DL"
BCG_RD_FE = {"estimate": -0.0009, "ci_low": -0.0014, "ci_high": -0.0005, "stat": -4.0448, "q": 276.4737}
BCG_RD_DL = {
    "estimate": -0.0071,
    "ci_low": -0.0101,
    "ci_high": -0.0040,
    "stat": -4.5128,
    "tau2": 0.0000,
    "i2": 95.6596,
}

#: [SM-meta] rma(y, v, data=dat, method="PM", control=list(tol=1e-9))
KACKER_PM = {
    "estimate": 62.4076199113286,
    "se": 0.338030602684471,
    "ci_low": 61.7450921043947,
    "ci_high": 63.0701477182625,
    "tau2": 0.705395309224248,
    "q": 24.801897741835,
    "q_p": 0.00167935146372742,
    "i2": 83.7218626490482,
    "h2": 6.14320900751909,
}
#: [SM-meta] rma(y, v, data=dat, method="DL", control=list(tol=1e-9))
KACKER_DL = {
    "estimate": 62.3901386044504,
    "se": 0.245749668040304,
    "ci_low": 61.9084781058787,
    "ci_high": 62.8717991030221,
    "tau2": 0.288049246973751,
    "i2": 67.744403741711,
    "h2": 3.10023721772938,
}
#: [SM-meta] rma(y, v, data=dat, method="DL", test="knha", control=list(tol=1e-9))
KACKER_DL_KNHA = {
    "estimate": 62.3901386044504,
    "se": 0.29477605699879,
    "ci_low": 61.710383798052,
    "ci_high": 63.0698934108488,
    "pval": 2.77938607433693e-16,
}
#: [SM-meta] rma(y, v, data=dat, method="FE", control=list(tol=1e-9))
KACKER_FE = {"estimate": 62.5833970939982, "se": 0.107845705498231, "ci_low": 62.3720233953344}
#: [SM-meta] rma(y, v, data=dat, method="FE", test="knha", control=list(tol=1e-9))
KACKER_FE_KNHA = {"se": 0.189889223522271, "ci_low": 62.1455117593252, "ci_high": 63.0212824286713}

#: [SM-smd] escalc(measure="SMD", m1i=m.t, sd1i=sd.t, n1i=n.t, m2i=m.c, sd2i=sd.c, n2i=n.c, data=dat)
CHEN_PEACE_SMD_YI = np.array(
    [
        0.09452415852032972,
        0.27735586626551018,
        0.36654442951591998,
        0.66438496832691396,
        0.46180628128769841,
        0.18516443739910043,
    ]
)
CHEN_PEACE_SMD_VI = np.array(
    [
        0.03337056173559990,
        0.03106510106366112,
        0.05083971761755720,
        0.01055175923267344,
        0.04334466980873156,
        0.02363025255552155,
    ]
)

#: [T-normand] sdpi <- pooled SD; escalc(measure="MD", m1i, sd1i=sdpi, n1i, m2i, sd2i=sdpi, n2i)
NORMAND_MD_YI = [-20, -2, -55, -71, -4, 1, 11, -10, 7]
NORMAND_MD_VI = [40.59, 2.05, 15.28, 150.22, 20.19, 1.22, 95.38, 8.03, 20.69]  # round(vi, 2)
#: [T-normand] rma(yi, vi, data=dat, method="FE"/"DL"/REML), rounded to 2 decimals as published
NORMAND_MD_FE = {"estimate": -3.49, "ci_low": -5.03, "ci_high": -1.96}
NORMAND_MD_DL = {"estimate": -14.10, "ci_low": -24.45, "ci_high": -3.75, "tau2": 218.72}
NORMAND_MD_REML = {"estimate": -15.12, "ci_low": -32.67, "ci_high": 2.43, "tau2": 685.20}
#: [T-rmauni] escalc(measure="SMD", m1i, sd1i, n1i, m2i, sd2i, n2i, data=dat.normand1999, subset=1:4);
#:            rma(yi, vi, data=dat)$tau2
NORMAND_SMD_1_4_REML_TAU2 = 1.0090

#: [T-pubbias] res <- rma(measure="OR", ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=dat.egger2001)  (REML; trial 8
#: has a zero cell, so 1/2 is added to its four cells: escalc's add=1/2, to="only0")
#:             regtest(res)$zval
EGGER2001_OR_REGTEST_Z = -4.6686

#: [T-ders] CLASP trials: n1i, n2i, ai, ci
CLASP = np.array(
    [
        [156, 74, 5, 8],
        [303, 303, 5, 17],
        [565, 477, 12, 9],
        [1570, 1565, 69, 94],
        [103, 105, 9, 11],
        [4659, 4650, 313, 352],
    ],
    dtype=float,
)
#: [T-ders] dat <- escalc(measure="OR", ai=ai, n1i=n1i, ci=ci, n2i=n2i)
#:          rma(yi, vi, method="PM"/"DL"/"REML", data=dat): (tau, mu, se), rounded to 4 decimals
CLASP_OR = {
    "PM": (0.3681, -0.3811, 0.2060),
    "DL": (0.2323, -0.3240, 0.1540),
    "REML": (0.1843, -0.2980, 0.1343),
}

#: [T-anova] res <- rma(yi, vi, mods = ~ ablat + alloc, data=dat); anova(res, btt=3:4): QM, QMp (rounded 2)
BCG_ABLAT_ALLOC_QM = (1.2850, 0.53)
#: [T-anova] the same with test="knha": F-statistic QM and its p-value (rounded 2)
BCG_ABLAT_ALLOC_QM_KNHA = (0.6007, 0.57)

#: [T-escalc] escalc(measure="ROM", m1i, sd1i, n1i, m2i, sd2i, n2i, data=dat.normand1999, subset=1:4): yi, vi
#: to 4 decimals. The yi are the plain log ratios log(m1i/m2i) (metafor before 5.0-1, or correct=FALSE);
#: since 5.0-1 escalc adds the bias correction by default, which moves them by less than the test's .01.
NORMAND_ROM_YI = (-0.3102, -0.0715, -0.6202, -0.7303)
NORMAND_ROM_VI = (0.0094, 0.0028, 0.0018, 0.0119)

#: [T-escalc] escalc(measure="COR" / "ZCOR", ri=ri, ni=ni, data=dat.mcdaniel1994, subset=c(1,13,33,102)).
#: ri as printed (yi of COR); ni = 123, 15, 6, 41 are the only sample sizes giving both the COR variances
#: (1 - ri^2)^2/(ni - 1) and the ZCOR variances 1/(ni - 3) below to 4 decimals.
MCDANIEL_RI = (0.00, 0.62, 0.99, -0.13)
MCDANIEL_NI = (123, 15, 6, 41)
MCDANIEL_COR_VI = (0.0082, 0.0271, 0.0001, 0.0242)
MCDANIEL_ZCOR_YI = (0.0000, 0.7250, 2.6467, -0.1307)
MCDANIEL_ZCOR_VI = (0.0083, 0.0833, 0.3333, 0.0263)

#: [T-escalc] escalc(measure="PAS", xi=10, ni=20): yi, vi
PAS_10_OF_20 = (0.7854, 0.0125)

#: metafor's dat.bcg$year (publication year). Checked by reproducing BCG_RR_REML_ABLAT_YEAR below to all of
#: its printed digits (any wrong year would move the coefficients).
BCG_YEAR = np.array(
    [1948, 1949, 1960, 1977, 1973, 1953, 1973, 1980, 1968, 1961, 1974, 1969, 1976], dtype=float
)

#: res <- rma(yi, vi, mods = ~ ablat + year, data=dat) with dat the log RRs of dat.bcg. Full-precision
#: coef(summary(res)) from metafor's reference page for coef.rma (docs/reference/coef.rma.html, metafor
#: 5.1-12 sources): (estimate, se, zval, pval, ci.lb, ci.ub) per coefficient; the model summary (4 decimals)
#: from the printed `res` on its permutest page (docs/reference/permutest.html).
BCG_RR_REML_ABLAT_YEAR = {
    "intercept": (-3.545505079, 29.09587983, -0.1218559, 0.903013130, -60.57238164, 53.481371479),
    "ablat": (-0.028011275, 0.01023404, -2.7370689, 0.006198931, -0.04806963, -0.007952924),
    "year": (0.001907557, 0.01468382, 0.1299088, 0.896638598, -0.02687219, 0.030687307),
}
BCG_RR_REML_ABLAT_YEAR_FIT = {
    "tau2": 0.1108,
    "i2": 71.98,
    "h2": 3.57,
    "r2": 64.63,
    "qe": 28.3251,
    "qe_p": 0.0016,
    "qm": 12.2043,
    "qm_p": 0.0022,
}
