/* Writing the phantom: a folder of NIfTI and DICOM files, truth.json, case.json and
 * planar.json, built in a temporary folder and renamed into place (docs/phantom.md). */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include <cJSON.h>

#include "core/json_write.h"
#include "phantom/phantom_internal.h"
#include "sirt/dicom.h"
#include "sirt/fileio.h"
#include "sirt/sirt.h"

sirt_phantom_write_options sirt_phantom_write_options_default(void)
{
    sirt_phantom_write_options w;
    memset(&w, 0, sizeof w);
    w.formats = SIRT_PHANTOM_FORMAT_NIFTI | SIRT_PHANTOM_FORMAT_DICOM;
    return w;
}

/* ---- truth.json --------------------------------------------------------------------------- */

static cJSON *vec3(const double v[3])
{
    return cJSON_CreateDoubleArray(v, 3);
}

static cJSON *grid_json(const sirt_image *img)
{
    cJSON *g = cJSON_CreateObject();
    const double size[3] = {(double)img->nx, (double)img->ny, (double)img->nz};
    cJSON_AddItemToObject(g, "size", vec3(size));
    cJSON_AddItemToObject(g, "spacing_mm", vec3(img->spacing_mm));
    cJSON_AddItemToObject(g, "origin_mm", vec3(img->origin_mm));
    return g;
}

static cJSON *compartment_json(const sirt_phantom_compartment *c, double volume_ml)
{
    cJSON *o = cJSON_CreateObject();
    sirt__json_add_number(o, "activity_mbq", c->activity_bq / 1e6);
    sirt__json_add_number(o, "concentration_kbq_per_ml", c->concentration_bq_per_ml / 1e3);
    sirt__json_add_number(o, "volume_ml", volume_ml);
    return o;
}

/* Image file names relative to the output folder ("" when the format is not written). */
static void image_paths(sirt_phantom_image_id id, int formats, char *nii, size_t nn, char *dcm,
                        size_t dn)
{
    const char *name = sirt_phantom_image_name(id);
    nii[0] = '\0';
    if (formats & SIRT_PHANTOM_FORMAT_NIFTI)
        snprintf(nii, nn, "nifti/%s.nii.gz", name);
    dcm[0] = '\0';
    const int has_dicom = id == SIRT_PHANTOM_CT || id == SIRT_PHANTOM_MAA_SPECT ||
                          id == SIRT_PHANTOM_PET || id == SIRT_PHANTOM_HO_SPECT;
    if ((formats & SIRT_PHANTOM_FORMAT_DICOM) && has_dicom)
        snprintf(dcm, dn, "dicom/%s", name);
}

static const sirt_phantom_structure_truth *find_structure(const sirt_phantom_truth *t,
                                                          const char *name)
{
    for (size_t i = 0; i < t->n_structures; i++)
        if (strcmp(t->structures[i].name, name) == 0)
            return &t->structures[i];
    return NULL;
}

static cJSON *truth_tree(const sirt_phantom *ph, int formats)
{
    const sirt_phantom_options *o = &ph->opt;
    const sirt_phantom_truth *t = &ph->truth;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", "sirtkit-phantom-truth/1");
    cJSON_AddStringToObject(root, "software", sirt_version());
    sirt__json_add_number(root, "seed", (double)t->seed);
    cJSON_AddStringToObject(root, "size", o->size_name);
    cJSON_AddStringToObject(root, "coordinates",
                            "LPS mm (+x patient left, +y posterior, +z superior); grids centred "
                            "on (0, 0, 0) with identity directions");

    cJSON *grids = cJSON_AddObjectToObject(root, "grids");
    cJSON_AddItemToObject(grids, "ct", grid_json(ph->images[SIRT_PHANTOM_CT]));
    cJSON_AddItemToObject(grids, "spect", grid_json(ph->images[SIRT_PHANTOM_MAA_SPECT]));
    cJSON_AddItemToObject(grids, "pet", grid_json(ph->images[SIRT_PHANTOM_PET]));
    sirt__json_add_number(root, "ct_noise_hu", o->ct_noise_hu);
    sirt__json_add_number(root, "supersample_ct", o->supersample);
    sirt__json_add_number(root, "supersample_emission", 6);

    cJSON *structs = cJSON_AddArrayToObject(root, "structures");
    for (size_t i = 0; i < t->n_structures; i++) {
        const sirt_phantom_structure_truth *s = &t->structures[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", s->name);
        if (s->label >= 0)
            sirt__json_add_number(e, "label", s->label);
        else
            cJSON_AddNullToObject(e, "label");
        sirt__json_add_number(e, "volume_ml", s->volume_ml);
        sirt__json_add_number(e, "volume_spect_grid_ml", s->volume_spect_ml);
        sirt__json_add_number(e, "density_g_per_ml", s->density_g_per_ml);
        sirt__json_add_number(e, "mass_g", s->mass_g);
        char path[96];
        if (formats & SIRT_PHANTOM_FORMAT_NIFTI) {
            snprintf(path, sizeof path, "nifti/masks/%s.nii.gz", s->name);
            cJSON_AddStringToObject(e, "mask", path);
            snprintf(path, sizeof path, "nifti/masks_spect/%s.nii.gz", s->name);
            cJSON_AddStringToObject(e, "mask_spect_grid", path);
        }
        cJSON_AddItemToArray(structs, e);
    }
    cJSON *labels = cJSON_AddObjectToObject(root, "labels");
    static const char *lab_names[] = {"background", "body", "lungs", "liver_normal", "bone",
                                      "stomach", "duodenum", "spleen", "kidneys"};
    for (int l = 0; l < 9; l++)
        sirt__json_add_number(labels, lab_names[l], l);
    for (size_t k = 0; k < o->n_tumours; k++)
        sirt__json_add_number(labels, o->tumours[k].name, 10 + (double)k);

    cJSON *liver = cJSON_AddObjectToObject(root, "liver");
    sirt__json_add_number(liver, "volume_ml", t->liver_volume_ml);
    sirt__json_add_number(liver, "normal_volume_ml", t->liver_normal_volume_ml);
    sirt__json_add_number(liver, "mass_kg", t->liver_mass_kg);
    sirt__json_add_number(liver, "normal_mass_kg", t->liver_normal_mass_kg);
    sirt__json_add_number(liver, "density_g_per_ml", o->liver_density_g_per_ml);
    cJSON *lung = cJSON_AddObjectToObject(root, "lungs");
    sirt__json_add_number(lung, "volume_ml", t->lung_volume_ml);
    sirt__json_add_number(lung, "mass_kg", t->lung_mass_kg);
    sirt__json_add_number(lung, "density_g_per_ml", o->lung_density_g_per_ml);

    cJSON *tums = cJSON_AddArrayToObject(root, "tumours");
    for (size_t k = 0; k < t->n_tumours; k++) {
        const sirt_phantom_tumour_truth *tt = &t->tumours[k];
        const sirt_phantom_tumour *to = &o->tumours[k];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", to->name);
        sirt__json_add_number(e, "label", 10 + (double)k);
        cJSON_AddItemToObject(e, "centre_mm", vec3(to->centre_mm));
        cJSON_AddItemToObject(e, "semi_axes_mm", vec3(to->semi_axes_mm));
        sirt__json_add_number(e, "necrotic_fraction", to->necrotic_fraction);
        sirt__json_add_number(e, "volume_analytic_ml", tt->volume_analytic_ml);
        sirt__json_add_number(e, "volume_ml", tt->volume_ml);
        sirt__json_add_number(e, "viable_volume_ml", tt->viable_volume_ml);
        sirt__json_add_number(e, "necrotic_volume_ml", tt->necrotic_volume_ml);
        sirt__json_add_number(e, "mass_g", tt->mass_g);
        sirt__json_add_number(e, "tn_ratio_viable", tt->tn_ratio_viable);
        sirt__json_add_number(e, "tn_ratio", tt->tn_ratio);
        cJSON_AddItemToObject(e, "maa", compartment_json(&tt->maa, tt->viable_volume_ml));
        cJSON_AddItemToObject(e, "y90", compartment_json(&tt->therapy_y90, tt->viable_volume_ml));
        cJSON_AddItemToObject(e, "ho166", compartment_json(&tt->therapy_ho, tt->viable_volume_ml));
        sirt__json_add_number(e, "y90_dose_gy", tt->dose_y90_gy);
        cJSON_AddItemToArray(tums, e);
    }

    const sirt_phantom_structure_truth *ex = find_structure(t, "extrahepatic");
    cJSON *maa = cJSON_AddObjectToObject(root, "maa");
    cJSON_AddStringToObject(maa, "agent", "tc99m_maa");
    sirt__json_add_number(maa, "activity_injected_mbq", t->maa_activity_bq / 1e6);
    cJSON_AddStringToObject(maa, "decay", "not modelled (activities at the scan)");
    sirt__json_add_number(maa, "lsf_fraction", t->lsf_fraction);
    sirt__json_add_number(maa, "extrahepatic_fraction", o->extrahepatic_fraction);
    sirt__json_add_number(maa, "liver_activity_mbq", t->maa_liver_activity_bq / 1e6);
    cJSON *comp = cJSON_AddObjectToObject(maa, "compartments");
    cJSON_AddItemToObject(comp, "lungs", compartment_json(&t->maa_lung, t->lung_volume_ml));
    cJSON_AddItemToObject(comp, "liver_normal",
                          compartment_json(&t->maa_liver_normal, t->liver_normal_volume_ml));
    cJSON_AddItemToObject(comp, "extrahepatic",
                          compartment_json(&t->maa_extrahepatic, ex ? ex->volume_ml : NAN));
    cJSON *spect = cJSON_AddObjectToObject(maa, "spect");
    sirt__json_add_number(spect, "fwhm_mm", o->maa_fwhm_mm);
    sirt__json_add_number(spect, "sensitivity_cps_per_mbq", o->maa_sensitivity_cps_per_mbq);
    sirt__json_add_number(spect, "acquisition_s", o->maa_acquisition_s);
    sirt__json_add_number(spect, "calibration_bq_per_count", t->maa_calibration_bq_per_count);
    sirt__json_add_number(spect, "counts_expected", t->maa_counts_expected);
    sirt__json_add_number(spect, "counts_total", t->maa_counts_total);
    sirt__json_add_number(spect, "lung_counts", t->maa_spect_lung_counts);
    sirt__json_add_number(spect, "liver_counts", t->maa_spect_liver_counts);
    cJSON_AddStringToObject(spect, "noise", "Poisson (GSL mt19937), after the Gaussian blur");
    cJSON_AddStringToObject(spect, "attenuation", "not modelled (counts as if attenuation-"
                                                  "corrected)");
    cJSON *pl = cJSON_AddObjectToObject(maa, "planar");
    sirt__json_add_number(pl, "sensitivity_cps_per_mbq", o->planar_sensitivity_cps_per_mbq);
    sirt__json_add_number(pl, "acquisition_s", o->planar_acquisition_s);
    sirt__json_add_number(pl, "mu_water_per_cm", o->tc99m_mu_water_per_cm);
    cJSON_AddStringToObject(pl, "attenuation", "narrow-beam, mu = mu_water x Schneider density "
                                               "of each tissue, along y; ideal ROIs, no scatter");
    sirt__json_add_number(pl, "lung_anterior_counts", t->planar_lung_ant);
    sirt__json_add_number(pl, "lung_posterior_counts", t->planar_lung_post);
    sirt__json_add_number(pl, "liver_anterior_counts", t->planar_liver_ant);
    sirt__json_add_number(pl, "liver_posterior_counts", t->planar_liver_post);
    sirt__json_add_number(pl, "lung_anterior_expected", t->planar_lung_ant_expected);
    sirt__json_add_number(pl, "lung_posterior_expected", t->planar_lung_post_expected);
    sirt__json_add_number(pl, "liver_anterior_expected", t->planar_liver_ant_expected);
    sirt__json_add_number(pl, "liver_posterior_expected", t->planar_liver_post_expected);
    sirt__json_add_number(pl, "lsf_fraction", t->lsf_planar_fraction);

    cJSON *y = cJSON_AddObjectToObject(root, "y90");
    cJSON_AddStringToObject(y, "product", "sir-spheres");
    cJSON_AddStringToObject(y, "model", "partition (domain §3.4-3.5), max_safe");
    sirt__json_add_number(y, "dose_factor_j_per_gbq", o->y90_dose_factor_j_per_gbq);
    sirt__json_add_number(y, "normal_liver_max_gy", o->normal_liver_max_gy);
    sirt__json_add_number(y, "lung_max_gy", o->lung_max_gy);
    sirt__json_add_number(y, "activity_administered_gbq", t->y90_activity_bq / 1e9);
    cJSON_AddStringToObject(y, "limited_by", t->y90_limit);
    sirt__json_add_number(y, "normal_liver_dose_gy", t->y90_dose_normal_gy);
    sirt__json_add_number(y, "lung_dose_gy", t->y90_dose_lung_gy);
    cJSON_AddStringToObject(y, "distribution", "the MAA distribution without the extrahepatic "
                                               "spot; no decay (scan at infusion)");
    comp = cJSON_AddObjectToObject(y, "compartments");
    cJSON_AddItemToObject(comp, "lungs", compartment_json(&t->y90_lung, t->lung_volume_ml));
    cJSON_AddItemToObject(comp, "liver_normal",
                          compartment_json(&t->y90_liver_normal, t->liver_normal_volume_ml));
    cJSON *pet = cJSON_AddObjectToObject(y, "pet");
    sirt__json_add_number(pet, "positron_branching", o->y90_pet_branching);
    cJSON_AddStringToObject(pet, "positron_branching_source",
                            "Selwyn et al., Appl Radiat Isot 2007;65:318 (domain §6.1)");
    sirt__json_add_number(pet, "acquisition_s", o->pet_acquisition_s);
    sirt__json_add_number(pet, "sensitivity", o->pet_sensitivity);
    sirt__json_add_number(pet, "fwhm_mm", o->pet_fwhm_mm);
    sirt__json_add_number(pet, "calibration_bq_per_count", t->pet_calibration_bq_per_count);
    sirt__json_add_number(pet, "counts_expected", t->pet_counts_expected);
    sirt__json_add_number(pet, "counts_total", t->pet_counts_total);

    cJSON *ho = cJSON_AddObjectToObject(root, "ho166");
    cJSON_AddStringToObject(ho, "product", "quiremspheres");
    cJSON_AddStringToObject(ho, "model", "whole-liver mean dose (domain §3.6)");
    sirt__json_add_number(ho, "dose_factor_j_per_gbq", o->ho_dose_factor_j_per_gbq);
    sirt__json_add_number(ho, "whole_liver_dose_gy", o->ho_whole_liver_dose_gy);
    sirt__json_add_number(ho, "activity_administered_mbq", t->ho_activity_bq / 1e6);
    comp = cJSON_AddObjectToObject(ho, "compartments");
    cJSON_AddItemToObject(comp, "lungs", compartment_json(&t->ho_lung, t->lung_volume_ml));
    cJSON_AddItemToObject(comp, "liver_normal",
                          compartment_json(&t->ho_liver_normal, t->liver_normal_volume_ml));
    cJSON *hs = cJSON_AddObjectToObject(ho, "spect");
    sirt__json_add_number(hs, "fwhm_mm", o->ho_fwhm_mm);
    sirt__json_add_number(hs, "sensitivity_cps_per_mbq", o->ho_sensitivity_cps_per_mbq);
    sirt__json_add_number(hs, "acquisition_s", o->ho_acquisition_s);
    sirt__json_add_number(hs, "calibration_bq_per_count", t->ho_calibration_bq_per_count);
    sirt__json_add_number(hs, "counts_expected", t->ho_counts_expected);
    sirt__json_add_number(hs, "counts_total", t->ho_counts_total);

    cJSON *files = cJSON_AddObjectToObject(root, "images");
    for (int i = 0; i < SIRT_PHANTOM_N_IMAGES; i++) {
        char nii[128], dcm[128];
        image_paths((sirt_phantom_image_id)i, formats, nii, sizeof nii, dcm, sizeof dcm);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "unit",
                                sirt_image_unit_name(ph->images[i]->unit));
        if (nii[0])
            cJSON_AddStringToObject(e, "nifti", nii);
        else
            cJSON_AddNullToObject(e, "nifti");
        if (dcm[0])
            cJSON_AddStringToObject(e, "dicom", dcm);
        else
            cJSON_AddNullToObject(e, "dicom");
        cJSON_AddItemToObject(files, sirt_phantom_image_name((sirt_phantom_image_id)i), e);
    }
    if (formats & SIRT_PHANTOM_FORMAT_DICOM)
        cJSON_AddStringToObject(root, "rtstruct", "dicom/rtstruct.dcm");
    else
        cJSON_AddNullToObject(root, "rtstruct");
    cJSON_AddStringToObject(root, "case", "case.json");
    cJSON_AddStringToObject(root, "planar_fragment", "planar.json");
    return root;
}

sirt_status sirt_phantom_truth_json(const sirt_phantom *ph, int formats, char **text_out,
                                    sirt_error *err)
{
    cJSON *root = truth_tree(ph, formats);
    sirt_status st = sirt__json_print(root, text_out, NULL, err);
    cJSON_Delete(root);
    return st;
}

/* ---- case.json and planar.json ------------------------------------------------------------ */

static cJSON *planar_block(const sirt_phantom_truth *t)
{
    cJSON *p = cJSON_CreateObject();
    sirt__json_add_number(p, "lung_anterior_counts", t->planar_lung_ant);
    sirt__json_add_number(p, "lung_posterior_counts", t->planar_lung_post);
    sirt__json_add_number(p, "liver_anterior_counts", t->planar_liver_ant);
    sirt__json_add_number(p, "liver_posterior_counts", t->planar_liver_post);
    return p;
}

static cJSON *case_tree(const sirt_phantom *ph)
{
    const sirt_phantom_options *o = &ph->opt;
    const sirt_phantom_truth *t = &ph->truth;
    cJSON *c = cJSON_CreateObject();
    char buf[256];
    cJSON_AddStringToObject(c, "format", "sirtkit-case/1");
    snprintf(buf, sizeof buf, "phantom-seed-%llu", (unsigned long long)o->seed);
    cJSON_AddStringToObject(c, "case_id", buf);
    snprintf(buf, sizeof buf,
             "Synthetic patient written by sirt phantom (seed %llu, size %s). True values and "
             "the image files are listed in truth.json.",
             (unsigned long long)o->seed, o->size_name);
    cJSON_AddStringToObject(c, "notes", buf);
    cJSON *pat = cJSON_AddObjectToObject(c, "patient");
    snprintf(buf, sizeof buf, "PHANTOM-%llu", (unsigned long long)o->seed);
    cJSON_AddStringToObject(pat, "id", buf);
    cJSON *an = cJSON_AddObjectToObject(c, "anatomy");
    sirt__json_add_number(an, "liver_volume_ml", t->liver_volume_ml);
    sirt__json_add_number(an, "liver_density_g_per_ml", o->liver_density_g_per_ml);
    sirt__json_add_number(an, "lung_volume_ml", t->lung_volume_ml);
    sirt__json_add_number(an, "lung_density_g_per_ml", o->lung_density_g_per_ml);
    cJSON *sim = cJSON_AddObjectToObject(c, "simulation");
    cJSON_AddStringToObject(sim, "agent", "tc99m_maa");
    cJSON_AddItemToObject(sim, "planar", planar_block(t));
    cJSON *sp = cJSON_AddObjectToObject(sim, "spect");
    sirt__json_add_number(sp, "lung_counts", t->maa_spect_lung_counts);
    sirt__json_add_number(sp, "liver_counts", t->maa_spect_liver_counts);
    cJSON_AddStringToObject(sim, "lsf_from", "spect");
    sirt__json_add_number(sim, "extrahepatic_fraction", o->extrahepatic_fraction);
    cJSON_AddStringToObject(c, "product", "sir-spheres");
    cJSON_AddStringToObject(c, "nuclide", "Y-90");
    cJSON *ters = cJSON_AddArrayToObject(c, "territories");
    cJSON *ter = cJSON_CreateObject();
    cJSON_AddStringToObject(ter, "name", "whole liver");
    sirt__json_add_number(ter, "perfused_volume_ml", t->liver_volume_ml);
    cJSON *tums = cJSON_AddArrayToObject(ter, "tumours");
    for (size_t k = 0; k < t->n_tumours; k++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", o->tumours[k].name);
        sirt__json_add_number(e, "volume_ml", t->tumours[k].volume_ml);
        sirt__json_add_number(e, "tn_ratio", t->tumours[k].tn_ratio);
        cJSON_AddItemToArray(tums, e);
    }
    cJSON_AddItemToArray(ters, ter);
    cJSON *pr = cJSON_AddObjectToObject(c, "prescription");
    cJSON_AddStringToObject(pr, "model", "partition");
    cJSON_AddStringToObject(pr, "strategy", "max_safe");
    sirt__json_add_number(pr, "normal_liver_max_gy", o->normal_liver_max_gy);
    sirt__json_add_number(pr, "lung_max_gy", o->lung_max_gy);
    sirt__json_add_number(pr, "residual_fraction", 0.0);
    cJSON_AddBoolToObject(pr, "whole_liver", 1);
    return c;
}

static void progress_note(const sirt_phantom *ph, const char *stage)
{
    if (ph->opt.progress)
        ph->opt.progress(ph->opt.progress_ctx, stage, 0.0);
}

/* case-run.json: the same patient for `sirt run`, with every number the images measure left
 * to them (volumes, SPECT counts, T/N) and the images named: NIfTI when written, else the
 * DICOM folders with the masks as RTSTRUCT ROIs. */
static cJSON *mask_ref(int nifti, const char *name)
{
    char buf[160];
    if (nifti) {
        snprintf(buf, sizeof buf, "nifti/masks/%s.nii.gz", name);
        return cJSON_CreateString(buf);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "rtstruct", "dicom/rtstruct.dcm");
    cJSON_AddStringToObject(o, "roi", name);
    return o;
}

static cJSON *case_run_tree(const sirt_phantom *ph, int formats)
{
    const sirt_phantom_options *o = &ph->opt;
    cJSON *c = case_tree(ph);
    int nifti = (formats & SIRT_PHANTOM_FORMAT_NIFTI) != 0;
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(c, "anatomy"), "liver_volume_ml");
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(c, "simulation"), "spect");
    /* The extrahepatic spot is for the images to find (a visual check in the report). */
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(c, "simulation"), "extrahepatic_fraction");
    cJSON *ter = cJSON_GetArrayItem(cJSON_GetObjectItem(c, "territories"), 0);
    cJSON_DeleteItemFromObject(ter, "perfused_volume_ml");
    cJSON *tu;
    cJSON_ArrayForEach(tu, cJSON_GetObjectItem(ter, "tumours"))
    {
        cJSON_DeleteItemFromObject(tu, "volume_ml");
        cJSON_DeleteItemFromObject(tu, "tn_ratio");
    }
    cJSON *im = cJSON_AddObjectToObject(c, "images");
    cJSON_AddStringToObject(im, "ct", nifti ? "nifti/ct.nii.gz" : "dicom/ct");
    cJSON_AddStringToObject(im, "spect", nifti ? "nifti/spect_maa.nii.gz" : "dicom/spect_maa");
    cJSON *m = cJSON_AddObjectToObject(im, "masks");
    cJSON_AddItemToObject(m, "liver", mask_ref(nifti, "liver"));
    cJSON_AddItemToObject(m, "lungs", mask_ref(nifti, "lungs"));
    cJSON_AddItemToObject(m, "body", mask_ref(nifti, "body"));
    cJSON *tm = cJSON_AddObjectToObject(m, "tumours");
    for (size_t k = 0; k < ph->truth.n_tumours; k++)
        cJSON_AddItemToObject(tm, o->tumours[k].name, mask_ref(nifti, o->tumours[k].name));
    cJSON *post = cJSON_AddObjectToObject(im, "post_treatment");
    cJSON_AddStringToObject(post, "image", nifti ? "nifti/pet_y90.nii.gz" : "dicom/pet_y90");
    cJSON_AddStringToObject(post, "kind", "y90_pet");
    return c;
}

/* ---- the folder --------------------------------------------------------------------------- */


/* 1 when `dir` exists and holds anything, 0 when absent or empty, -1 when not a folder. */
static int folder_state(const char *dir)
{
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return 0;
    if (!S_ISDIR(sb.st_mode))
        return -1;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int any = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            any = 1;
            break;
        }
    closedir(d);
    return any;
}

static sirt_status make_dir(const char *path, sirt_error *err)
{
    if (mkdir(path, 0777) != 0)
        return sirt_error_set(err, SIRT_EIO, "--out", "\"%s\": cannot create the folder: %s", path,
                              strerror(errno));
    return SIRT_OK;
}

static sirt_status write_text(const char *dir, const char *name, cJSON *root, sirt_error *err)
{
    char path[8448];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = NULL;
    size_t len = 0;
    sirt_status st = sirt__json_print(root, &text, &len, err);
    cJSON_Delete(root);
    if (st == SIRT_OK)
        st = sirt_write_file_atomic(path, text, len, err);
    free(text);
    return st;
}

static void mask_free(sirt_mask *m)
{
    if (m) {
        sirt_image_free(m->image);
        free(m);
    }
}

/* ct_masks: the CT-grid masks when already built (shared with the RTSTRUCT), else NULL. */
static sirt_status write_nifti_all(const sirt_phantom *ph, const char *tmp,
                                   sirt_mask *const *ct_masks, sirt_error *err)
{
    char path[8448];
    sirt_status st;
    snprintf(path, sizeof path, "%s/nifti", tmp);
    if ((st = make_dir(path, err)) != SIRT_OK)
        return st;
    snprintf(path, sizeof path, "%s/nifti/masks", tmp);
    if ((st = make_dir(path, err)) != SIRT_OK)
        return st;
    snprintf(path, sizeof path, "%s/nifti/masks_spect", tmp);
    if ((st = make_dir(path, err)) != SIRT_OK)
        return st;
    /* One job per file, run on all threads (gzip dominates the time; each file is written
     * by one thread, so the bytes do not depend on the schedule). Largest first. The first
     * failing job in job order gives the error. */
    const size_t n_img = SIRT_PHANTOM_N_IMAGES, n_jobs = n_img + 2 * ph->n_structures;
    sirt_error *errs = calloc(n_jobs, sizeof *errs);
    if (!errs)
        return sirt_error_set(err, SIRT_ENOMEM, "phantom", "out of memory");
    long jj;
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
    for (jj = 0; jj < (long)n_jobs; jj++) {
        const size_t j = (size_t)jj;
        char p[8448];
        sirt_status js;
        if (j < n_img) {
            /* CT-grid images first (CT, labels), then the emission images. */
            snprintf(p, sizeof p, "%s/nifti/%s.nii.gz", tmp,
                     sirt_phantom_image_name((sirt_phantom_image_id)j));
            js = sirt_image_write_nifti(ph->images[j], p, &errs[j]);
        } else {
            const size_t s = (j - n_img) % ph->n_structures;
            const int g = (j - n_img) < ph->n_structures ? 0 : 1;
            sirt_mask *m = NULL;
            const sirt_mask *use = g == 0 && ct_masks ? ct_masks[s] : NULL;
            js = SIRT_OK;
            if (!use) {
                js = sirt_phantom_mask(ph, s, g == 0 ? SIRT_PHANTOM_GRID_CT
                                                     : SIRT_PHANTOM_GRID_SPECT,
                                       &m, &errs[j]);
                use = m;
            }
            if (js == SIRT_OK) {
                snprintf(p, sizeof p, "%s/nifti/%s/%s.nii.gz", tmp,
                         g == 0 ? "masks" : "masks_spect", ph->structures[s].name);
                js = sirt_image_write_nifti(use->image, p, &errs[j]);
            }
            mask_free(m);
        }
        failed |= js != SIRT_OK;
    }
    if (failed)
        for (size_t j = 0; j < n_jobs; j++)
            if (errs[j].status != SIRT_OK) {
                st = sirt_error_set(err, errs[j].status, errs[j].field, "%s", errs[j].message);
                break;
            }
    free(errs);
    return failed ? st : SIRT_OK;
}

static sirt_status dicom_failed(sirt_status st, const sirt_error *inner, sirt_error *err)
{
    if (st == SIRT_EUNSUPPORTED)
        return sirt_error_set(err, st, "--format",
                              "--format dicom: DICOM writing is not available in this build yet "
                              "(%s); use --format nifti",
                              inner->message);
    return sirt_error_set(err, st, inner->field, "%s", inner->message);
}

static sirt_status write_dicom_all(const sirt_phantom *ph, const char *tmp,
                                   sirt_mask *const *masks, sirt_error *err)
{
    char path[8448];
    sirt_status st;
    sirt_error e = {0};
    snprintf(path, sizeof path, "%s/dicom", tmp);
    if ((st = make_dir(path, err)) != SIRT_OK)
        return st;
    static const struct { sirt_phantom_image_id id; const char *desc; int number; } series[] = {
        {SIRT_PHANTOM_CT, "sirt phantom CT", 1},
        {SIRT_PHANTOM_MAA_SPECT, "sirt phantom 99mTc-MAA SPECT", 2},
        {SIRT_PHANTOM_PET, "sirt phantom 90Y PET", 3},
        {SIRT_PHANTOM_HO_SPECT, "sirt phantom 166Ho SPECT", 4}};
    char pid[32];
    snprintf(pid, sizeof pid, "PHANTOM-%llu", (unsigned long long)ph->opt.seed);
    for (size_t i = 0; i < sizeof series / sizeof series[0]; i++) {
        sirt_dicom_write_options w = sirt_dicom_write_options_default();
        w.patient_id = pid;
        w.patient_name = "PHANTOM^SIRTKIT";
        w.series_description = series[i].desc;
        w.series_number = series[i].number;
        w.uid_seed = ph->opt.seed;
        snprintf(path, sizeof path, "%s/dicom/%s", tmp, sirt_phantom_image_name(series[i].id));
        st = sirt_dicom_write_series(ph->images[series[i].id], path, &w, &e);
        if (st != SIRT_OK)
            return dicom_failed(st, &e, err);
    }
    /* RTSTRUCT referencing the CT series just written. */
    sirt_dicom_series_info *info = NULL;
    sirt_image *ct_back = NULL;
    snprintf(path, sizeof path, "%s/dicom/ct", tmp);
    st = sirt_dicom_read_image(path, NULL, &ct_back, &info, &e);
    sirt_image_free(ct_back);
    if (st != SIRT_OK)
        return dicom_failed(st, &e, err);
    if (st == SIRT_OK) {
        sirt_dicom_write_options w = sirt_dicom_write_options_default();
        w.patient_id = pid;
        w.patient_name = "PHANTOM^SIRTKIT";
        w.series_description = "sirt phantom structures";
        w.series_number = 5;
        w.uid_seed = ph->opt.seed;
        w.referenced = info;
        snprintf(path, sizeof path, "%s/dicom/rtstruct.dcm", tmp);
        st = sirt_dicom_write_rtstruct((const sirt_mask *const *)masks, ph->n_structures, path,
                                       &w, &e);
    }
    sirt_dicom_series_info_free(info);
    if (st != SIRT_OK)
        return dicom_failed(st, &e, err);
    return SIRT_OK;
}

/* Folder name without trailing slashes into target; its state (folder_state). */
static sirt_status check_target(const char *dir, const sirt_phantom_write_options *w,
                                char *target, size_t cap, int *state, sirt_error *err)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    if (len == 0 || len > 4000)
        return sirt_error_set(err, SIRT_EINVAL, "--out", "\"%s\": not a usable folder name", dir);
    snprintf(target, cap, "%.*s", (int)len, dir);
    *state = folder_state(target);
    if (*state < 0)
        return sirt_error_set(err, SIRT_EINVAL, "--out", "\"%s\" exists and is not a folder",
                              target);
    if (*state > 0 && !w->force)
        return sirt_error_set(err, SIRT_EINVAL, "--out", "\"%s\" exists and is not empty (use "
                              "--force to replace it)", target);
    return SIRT_OK;
}

sirt_status sirt_phantom_write_check(const char *dir, const sirt_phantom_write_options *wopt,
                                     sirt_error *err)
{
    sirt_phantom_write_options w = wopt ? *wopt : sirt_phantom_write_options_default();
    char target[4100];
    int state = 0;
    return check_target(dir, &w, target, sizeof target, &state, err);
}

sirt_status sirt_phantom_write(const sirt_phantom *ph, const char *dir,
                               const sirt_phantom_write_options *wopt, sirt_error *err)
{
    sirt_phantom_write_options w = wopt ? *wopt : sirt_phantom_write_options_default();
    if (!(w.formats & (SIRT_PHANTOM_FORMAT_NIFTI | SIRT_PHANTOM_FORMAT_DICOM)))
        return sirt_error_set(err, SIRT_EINVAL, "--format", "no output format chosen (accepted: "
                              "nifti, dicom, both)");
    char target[4100], tmp[4200], old[4200];
    int state = 0;
    sirt_status cst = check_target(dir, &w, target, sizeof target, &state, err);
    if (cst != SIRT_OK)
        return cst;
    snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", target);
    if (!mkdtemp(tmp))
        return sirt_error_set(err, SIRT_EIO, "--out", "\"%s\": cannot create a temporary folder "
                              "next to it: %s", target, strerror(errno));
    chmod(tmp, 0755); /* mkdtemp makes it 0700 */
    sirt_status st = SIRT_OK;
    /* The RTSTRUCT needs every CT-grid mask at once: build them once, in parallel, and share
     * them with the NIfTI writer. */
    sirt_mask **ct_masks = NULL;
    if (w.formats & SIRT_PHANTOM_FORMAT_DICOM) {
        ct_masks = calloc(ph->n_structures, sizeof *ct_masks);
        if (!ct_masks)
            st = sirt_error_set(err, SIRT_ENOMEM, "phantom", "out of memory");
        int failed = 0;
        long ss;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
        for (ss = 0; ss < (ct_masks ? (long)ph->n_structures : 0); ss++)
            failed |= sirt_phantom_mask(ph, (size_t)ss, SIRT_PHANTOM_GRID_CT, &ct_masks[ss],
                                        NULL) != SIRT_OK;
        if (failed)
            st = sirt_error_set(err, SIRT_ENOMEM, "phantom", "out of memory building the masks");
    }
    if (st == SIRT_OK && (w.formats & SIRT_PHANTOM_FORMAT_NIFTI)) {
        progress_note(ph, "writing NIfTI");
        st = write_nifti_all(ph, tmp, ct_masks, err);
    }
    if (st == SIRT_OK && (w.formats & SIRT_PHANTOM_FORMAT_DICOM)) {
        progress_note(ph, "writing DICOM");
        st = write_dicom_all(ph, tmp, ct_masks, err);
    }
    if (ct_masks)
        for (size_t s = 0; s < ph->n_structures; s++)
            mask_free(ct_masks[s]);
    free(ct_masks);
    if (st == SIRT_OK)
        st = write_text(tmp, "truth.json", truth_tree(ph, w.formats), err);
    if (st == SIRT_OK)
        st = write_text(tmp, "case.json", case_tree(ph), err);
    if (st == SIRT_OK)
        st = write_text(tmp, "case-run.json", case_run_tree(ph, w.formats), err);
    if (st == SIRT_OK) {
        cJSON *frag = cJSON_CreateObject();
        cJSON_AddItemToObject(frag, "planar", planar_block(&ph->truth));
        st = write_text(tmp, "planar.json", frag, err);
    }
    if (st == SIRT_OK) {
        old[0] = '\0';
        if (state > 0) {
            /* --force: move the old folder aside, put the new one in place, then delete. */
            snprintf(old, sizeof old, "%s.old-XXXXXX", target);
            if (!mkdtemp(old) || rmdir(old) != 0 || rename(target, old) != 0) {
                st = sirt_error_set(err, SIRT_EIO, "--out", "\"%s\": cannot move the old folder "
                                    "aside: %s", target, strerror(errno));
                old[0] = '\0';
            }
        } else if (state == 0) {
            rmdir(target); /* an empty folder is replaced; absent is fine */
        }
        if (st == SIRT_OK && rename(tmp, target) != 0) {
            st = sirt_error_set(err, SIRT_EIO, "--out", "\"%s\": cannot rename the temporary "
                                "folder into place: %s", target, strerror(errno));
            if (old[0])
                rename(old, target);
            old[0] = '\0';
        }
        if (old[0])
            sirt_remove_tree(old);
    }
    if (st != SIRT_OK)
        sirt_remove_tree(tmp);
    return st;
}
