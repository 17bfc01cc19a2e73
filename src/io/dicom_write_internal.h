/* Private helpers shared by the DICOM writers and the RTSTRUCT/SEG readers
 * (src/io/dicom_write.c, dicom_rtstruct.c, dicom_seg.c, dicom_uid.c). */
#ifndef SIRT_IO_DICOM_WRITE_INTERNAL_H
#define SIRT_IO_DICOM_WRITE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "io/dcm_shim.h"
#include "sirt/dicom.h"

/* SOP classes (PS3.4 Annex B.5). */
#define SIRT_UID_CT_IMAGE "1.2.840.10008.5.1.4.1.1.2"
#define SIRT_UID_PET_IMAGE "1.2.840.10008.5.1.4.1.1.128"
#define SIRT_UID_NM_IMAGE "1.2.840.10008.5.1.4.1.1.20"
#define SIRT_UID_SC_IMAGE "1.2.840.10008.5.1.4.1.1.7"
#define SIRT_UID_RTDOSE "1.2.840.10008.5.1.4.1.1.481.2"
#define SIRT_UID_RTSTRUCT "1.2.840.10008.5.1.4.1.1.481.3"
#define SIRT_UID_SEG "1.2.840.10008.5.1.4.1.1.66.4"
/* Detached Study Management SOP class: what RTReferencedStudySequence conventionally names. */
#define SIRT_UID_STUDY_MGMT "1.2.840.10008.3.1.2.3.1"

/* A small builder that stops at the first error: every put after a failure is a no-op, so
 * a writer can list its attributes and check the status once. */
typedef struct sirt_dw {
    sirt_status st;
    sirt_error *err;
} sirt_dw;

void sirt__dw_str(sirt_dw *w, sirt_dcm_item *item, uint32_t tag, const char *value);
void sirt__dw_num(sirt_dw *w, sirt_dcm_item *item, uint32_t tag, const double *v, size_t n);
void sirt__dw_num1(sirt_dw *w, sirt_dcm_item *item, uint32_t tag, double v);
sirt_dcm_item *sirt__dw_seq(sirt_dw *w, sirt_dcm_item *item, uint32_t tag);

/* A number as a DICOM DS value will read back (10 significant digits), so the values we
 * quantise with are exactly the ones other software uses. */
double sirt__ds_round(double v);

/* Slice geometry of an image: unit row/column directions (i and j axes), the slice normal
 * (row x column), and how the k axis runs along it (+1 or -1). Refuses sheared images (k not
 * along the normal) and singular geometry, naming `what`. */
typedef struct sirt_slice_geom {
    double row[3], col[3], normal[3];
    int k_sign;
} sirt_slice_geom;
sirt_status sirt__slice_geom(const sirt_image *img, const char *what, sirt_slice_geom *g,
                             sirt_error *err);
/* LPS position of the centre of voxel (0, 0, k). */
void sirt__slice_position(const sirt_image *img, double k, double lps_mm[3]);

/* Resolved identity of what we write (UIDs and patient). */
typedef struct sirt_dw_ids {
    char study[SIRT_DICOM_UID_SIZE];
    char series[SIRT_DICOM_UID_SIZE];
    char frame_of_reference[SIRT_DICOM_UID_SIZE];
    char patient_id[65];
    char patient_name[65];
    char study_date[9];  /* YYYYMMDD or "" */
    char study_time[7];  /* HHMMSS or "" */
} sirt_dw_ids;
/* `series_role` distinguishes series written with the same seed ("CT", "RTDOSE", ...).
 * opt->referenced (when given) supplies study, frame of reference and patient. */
sirt_status sirt__dw_ids(const sirt_dicom_write_options *opt, const char *series_role,
                         sirt_dw_ids *ids, sirt_error *err);
/* Patient, study, series, frame of reference and equipment modules. */
void sirt__dw_common(sirt_dw *w, sirt_dcm_item *root, const sirt_dw_ids *ids,
                     const sirt_dicom_write_options *opt, const char *modality,
                     const char *sop_class, const char *sop_instance);


/* A folder written atomically: sirt__dir_begin checks that `dir` is absent or empty and makes
 * a temporary folder next to it (name in tmp); write into tmp, then sirt__dir_commit renames
 * it into place when st is SIRT_OK, else removes it and its files. Returns the final status. */
sirt_status sirt__dir_begin(const char *dir, char *tmp, size_t size, sirt_error *err);
sirt_status sirt__dir_commit(const char *tmp, const char *dir, sirt_status st, sirt_error *err);

#endif
