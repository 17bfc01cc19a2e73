/* Private to src/phantom: tissue classes, rasterisation and the phantom object. */
#ifndef SIRT_PHANTOM_INTERNAL_H
#define SIRT_PHANTOM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sirt/phantom.h"

/* Tissue classes: each point of space belongs to exactly one. Tumour k's viable part is
 * PH_TUM0 + k, its necrotic core PH_NEC0 + k. */
enum {
    PH_AIR = 0,
    PH_BODY = 1,      /* soft tissue: muscle, mediastinum, retroperitoneum */
    PH_FAT = 2,       /* subcutaneous fat */
    PH_LUNG = 3,
    PH_LIVER = 4,     /* normal liver parenchyma */
    PH_BONE = 5,      /* spine and ribs */
    PH_CANAL = 6,     /* spinal canal */
    PH_STOMACH = 7,   /* stomach wall and fluid content */
    PH_STOMACH_GAS = 8,
    PH_DUO = 9,
    PH_DUO_GAS = 10,
    PH_SPLEEN = 11,
    PH_KIDNEY = 12,
    PH_EXTRA = 13,    /* extrahepatic MAA spot in the stomach wall */
    PH_TUM0 = 14,
    PH_NEC0 = PH_TUM0 + SIRT_PHANTOM_MAX_TUMOURS,
    PH_NCLASS = PH_NEC0 + SIRT_PHANTOM_MAX_TUMOURS
};

#define PH_MIXED 255u /* class byte of a boundary voxel: see the mixed list */

/* Occupancy of one grid by the classes. Pure voxels hold their class; boundary voxels
 * (PH_MIXED) have an entry in the mixed list (ascending voxel index) with sub-sample counts
 * per class out of ss^3. */
typedef struct ph_raster {
    sirt_phantom_grid grid;
    size_t n;              /* voxels */
    int ss;                /* sub-samples per axis */
    uint8_t *cls;          /* n */
    size_t n_mixed;
    size_t *mixed_index;   /* n_mixed, ascending */
    uint8_t *mixed_counts; /* n_mixed * PH_NCLASS */
    size_t *slice_first;   /* nz + 1: first mixed entry of each k slice */
} ph_raster;

typedef struct ph_anatomy {
    size_t n_tumours;
    sirt_phantom_tumour tumours[SIRT_PHANTOM_MAX_TUMOURS];
} ph_anatomy;

/* A structure (mask) is a union of classes. */
typedef struct ph_structure {
    char name[32];
    uint32_t classes; /* bit c set: class c belongs to it */
    int label;        /* its value in the label map, -1 when it is a union of labelled parts */
    int dense;        /* density applies (liver, tumours, lung) */
} ph_structure;

struct sirt_phantom {
    sirt_phantom_options opt;
    sirt_phantom_truth truth;
    ph_anatomy anat;
    ph_raster raster[3]; /* CT, SPECT, PET grids */
    sirt_image *images[SIRT_PHANTOM_N_IMAGES];
    size_t n_structures;
    ph_structure structures[24];
};

int ph_classify(const ph_anatomy *an, double x, double y, double z);
double ph_class_hu(int c);
int ph_class_label(int c);
sirt_status ph_raster_build(const ph_anatomy *an, const sirt_phantom_grid *g, int ss,
                            ph_raster *out, sirt_error *err);
void ph_raster_free(ph_raster *r);
/* Effective volume of each class on the raster's grid, mL. */
void ph_raster_class_volumes(const ph_raster *r, double vol_ml[PH_NCLASS]);
/* An image (unit as given) on the raster's grid, geometry set, voxels 0. */
sirt_status ph_grid_image(const sirt_phantom_grid *g, sirt_image_unit unit, sirt_image **out,
                          sirt_error *err);
/* value[v] = sum_c fraction_c * per_class[c] for every voxel; `out` must hold zeros (a new
 * image): zero values are not written. */
void ph_raster_fill(const ph_raster *r, const double per_class[PH_NCLASS], float *out);

#endif
