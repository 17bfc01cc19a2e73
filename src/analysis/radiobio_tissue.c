/* Built-in tissue parameters for sirt radiobiology (sirt/radiobiology.h, docs/dvh.md).
 * Central α/β and T_rep: domain.md §5.6. The low/high ends are the spread quoted in the
 * radioembolization radiobiology reviews (Cremonesi et al., Front Oncol 2014;4:210, table of
 * α/β and T_rep used in the SIRT literature) ⚠: not verified against the primary papers;
 * they bound a sensitivity analysis, they are not confidence intervals. */
#include <string.h>

#include "sirt/radiobiology.h"

static const sirt_tissue tissues[] = {
    {
        .id = "tumour",
        .is_target = 1,
        /* α/β 10 Gy and T_rep 1.5 h (domain.md §5.6: Strigari 2010; Cremonesi 2014;
         * Chiesa 2015); spread 5–20 Gy and 0.5–2.5 h ⚠. */
        .alpha_beta_gy = {5.0, 10.0, 20.0},
        .repair_half_time_h = {0.5, 1.5, 2.5},
        /* gEUD a = −10: Niemierko, Med Phys 1999;26:1100 quotes a ≈ −5 to −13 for tumours ⚠. */
        .geud_a = -10.0,
        /* Webb & Nahum, Phys Med Biol 1993;38:653: ᾱ = 0.35 Gy⁻¹, σ_α = 0.08 Gy⁻¹,
         * 10^7 clonogens/cm³ (external-beam generic values, not fitted to SIRT ⚠). */
        .alpha_per_gy = 0.35,
        .alpha_sd_per_gy = 0.08,
        .clonogens_per_cm3 = 1e7,
        .has_ntcp = 0,
        .source = "alpha/beta, T_rep: domain.md 5.6 (Strigari 2010 J Nucl Med 51:1377; Cremonesi "
                  "2014 Front Oncol 4:210; Chiesa 2015 EJNMMI 42:1718), ranges unverified; TCP: "
                  "Webb & Nahum 1993 Phys Med Biol 38:653 (generic, unverified for SIRT); gEUD a: "
                  "Niemierko 1999 Med Phys 26:1100 (unverified)",
    },
    {
        .id = "normal_liver",
        .is_target = 0,
        /* α/β 2.5 Gy and T_rep 2.5 h (domain.md §5.6); spread 2–3 Gy and 1.5–3 h ⚠. */
        .alpha_beta_gy = {2.0, 2.5, 3.0},
        .repair_half_time_h = {1.5, 2.5, 3.0},
        /* LKB n = 1 (mean dose), TD50 = 52 Gy, m = 0.28: Strigari et al., J Nucl Med
         * 2010;51:1377, resin 90Y (domain.md §5.6, m marked ⚠ there). */
        .geud_a = 1.0,
        /* α for the normal-liver EUBED and TCP (cell-kill) only: 0.01 Gy⁻¹ as in the
         * domain.md §5.5 worked example ⚠; no clinical meaning as a "control". */
        .alpha_per_gy = 0.01,
        .alpha_sd_per_gy = 0.0,
        .clonogens_per_cm3 = 1e7,
        .has_ntcp = 1,
        .ntcp_td50_gy = 52.0,
        .ntcp_m = 0.28,
        .ntcp_n = 1.0,
        .source = "alpha/beta, T_rep: domain.md 5.6 (Strigari 2010 J Nucl Med 51:1377; Cremonesi "
                  "2014; Chiesa 2015), ranges unverified; NTCP LKB n=1, TD50=52 Gy, m=0.28: "
                  "Strigari 2010 (m unverified)",
    },
};

size_t sirt_tissue_count(void) { return sizeof tissues / sizeof tissues[0]; }

const sirt_tissue *sirt_tissue_at(size_t i)
{
    return i < sirt_tissue_count() ? &tissues[i] : NULL;
}

const sirt_tissue *sirt_tissue_find(const char *id)
{
    for (size_t i = 0; id && i < sirt_tissue_count(); i++)
        if (strcmp(tissues[i].id, id) == 0)
            return &tissues[i];
    return NULL;
}
