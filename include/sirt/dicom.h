/* sirt/dicom.h: DICOM in and out (CT, NM/SPECT, PET, RT Dose, RTSTRUCT, SEG) through
 * DCMTK (docs/images.md). Geometry is LPS mm as in sirt/image.h; a series is ordered by
 * position along the slice normal, never by file name. */
#ifndef SIRT_DICOM_H
#define SIRT_DICOM_H

#include <stddef.h>
#include <stdint.h>
#include "sirt/error.h"
#include "sirt/image.h"
#include "sirt/mask.h"
#include "sirt/warning.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SIRT_DICOM_UID_SIZE 65 /* 64 characters + NUL (PS3.5 §9.1) */

/* Timing of a nuclear-medicine series as read from the file. Date-times are ISO 8601
 * ("2026-11-24T10:32:05", with the offset when TimezoneOffsetFromUTC is present);
 * "" when absent. Numbers are NaN when absent. */
typedef struct sirt_dicom_timing {
    char acquisition_start[40];   /* AcquisitionDateTime, or AcquisitionDate + Time */
    char series_time[40];         /* SeriesDate + SeriesTime */
    char injection[40];           /* RadiopharmaceuticalStartDateTime (or StartTime + date) */
    char decay_correction[16];    /* DecayCorrection (0054,1102): "NONE", "START", "ADMIN" */
    char reference_time[40];      /* the time the values are decay-corrected to, as read */
    double injected_activity_bq;  /* RadionuclideTotalDose */
    double half_life_s;           /* RadionuclideHalfLife */
    double frame_duration_s;      /* ActualFrameDuration (ms in the file) */
} sirt_dicom_timing;

/* What was read, and what was checked. */
typedef struct sirt_dicom_series_info {
    char path[4096];              /* file or folder read */
    char modality[17];            /* "CT", "NM", "PT", "RTDOSE", "RTSTRUCT", "SEG", ... */
    char sop_class_uid[SIRT_DICOM_UID_SIZE];
    char patient_id[65];
    char study_uid[SIRT_DICOM_UID_SIZE];
    char series_uid[SIRT_DICOM_UID_SIZE];
    char frame_of_reference_uid[SIRT_DICOM_UID_SIZE];
    char series_description[65];
    char units[17];               /* Units (0054,1001) as read, e.g. "BQML", "CNTS"; "HU" for CT */
    size_t n_files;               /* files in the series */
    size_t n_frames;              /* slices or frames */
    /* SOP instance UIDs of the slices in the order of the image's k axis (CT series), for
     * RTSTRUCT ContourImageSequence; NULL when not a per-slice series. Owned. */
    char (*slice_sop_uids)[SIRT_DICOM_UID_SIZE];
    sirt_dicom_timing timing;
    double calibration_bq_per_count;        /* applied to NM counts; NaN when none */
    double calibration_rel_uncertainty;     /* as given; NaN when none */
    double dead_time_factor;                /* applied; 1 when none */
    double decay_factor_applied;            /* values were multiplied by this; 1 when none */
    sirt_warning_list warnings;             /* timing or geometry findings the user must see */
    /* Human-readable lines "tag: what was checked -> result", for `sirt info`. */
    char **checks;
    size_t n_checks;
} sirt_dicom_series_info;

void sirt_dicom_series_info_free(sirt_dicom_series_info *info);

typedef struct sirt_dicom_read_options {
    /* Read this series when the folder holds several (NULL: the folder must hold exactly one
     * image series, else SIRT_EINVAL listing them). */
    const char *series_uid;
    /* PET/NM with activity units: decay-correct values to this ISO 8601 date-time (NULL:
     * keep the reference the file states, reported in info->timing.reference_time). */
    const char *reference_time;
    /* Half-life to use when decay-correcting, s (NaN: the file's RadionuclideHalfLife;
     * it is an error when neither is known). */
    double half_life_s;
    /* NM in counts: Bq per count to turn counts into activity (NaN: keep counts); its
     * relative uncertainty (NaN when unknown) is reported. */
    double calibration_bq_per_count;
    double calibration_rel_uncertainty;
    /* Camera dead-time correction, a factor >= 1 multiplying counts (1 = none). */
    double dead_time_factor;
} sirt_dicom_read_options;

sirt_dicom_read_options sirt_dicom_read_options_default(void);

/* Read an image series (CT, NM, PT) from a folder (searched recursively) or one file.
 * CT: RescaleSlope/Intercept to HU; irregular slice spacing and gantry tilt are refused.
 * NM: multi-frame, quantitative units when present, else counts (times the calibration when
 * given). PT: BQML, DecayCorrection and the radiopharmaceutical start time checked; values
 * decay-corrected to opt->reference_time when given. Missing or inconsistent timing is an
 * error or a warning in info->warnings, never a silent guess. On success *out and *info
 * (may be NULL if not wanted) are the caller's. */
sirt_status sirt_dicom_read_image(const char *path, const sirt_dicom_read_options *opt,
                                  sirt_image **out, sirt_dicom_series_info **info,
                                  sirt_error *err);

/* Every series in a folder (recursively), headers only: for `sirt info DIR`. */
sirt_status sirt_dicom_scan(const char *dir, sirt_dicom_series_info ***out, size_t *count,
                            sirt_error *err);
void sirt_dicom_scan_free(sirt_dicom_series_info **infos, size_t count);

/* 1 when the file starts like DICOM Part 10 (preamble + "DICM"), 0 otherwise. */
int sirt_dicom_is_dicom_file(const char *path);

typedef struct sirt_dicom_write_options {
    const char *modality;         /* "CT", "NM", "PT", "OT"; NULL: from the unit (HU: CT,
                                   * Bq/mL: PT, counts: NM, others: OT) */
    const char *patient_id;       /* NULL: "ANONYMOUS" */
    const char *patient_name;     /* NULL: "ANONYMOUS" */
    const char *study_uid;        /* NULL: derived from uid_seed */
    const char *series_uid;       /* NULL: derived from uid_seed and the modality */
    const char *frame_of_reference_uid; /* NULL: derived from uid_seed */
    const char *series_description;     /* NULL: none */
    const char *study_datetime;   /* ISO 8601; NULL: no dates written (determinism) */
    int series_number;            /* 0: none */
    /* UIDs not given are 2.25.<n> with n from SHA-256 of the seed and a role string, so the
     * same seed gives the same bytes. */
    uint64_t uid_seed;
    /* RT Dose and RTSTRUCT: the CT they refer to (frame of reference, study, series and slice
     * UIDs taken from it). NULL: the UIDs above. */
    const sirt_dicom_series_info *referenced;
} sirt_dicom_write_options;

sirt_dicom_write_options sirt_dicom_write_options_default(void);

/* Write an image as a DICOM series in `dir` (created; must be empty or absent): one file
 * per slice for CT (signed 16-bit with RescaleSlope/Intercept), others likewise per slice
 * with a rescale chosen to keep the float range. Atomic per file; on failure no file is
 * left. */
sirt_status sirt_dicom_write_series(const sirt_image *img, const char *dir,
                                    const sirt_dicom_write_options *opt, sirt_error *err);
/* Write a dose image (unit Gy) as one RT Dose file (32-bit with DoseGridScaling, multi-frame
 * with GridFrameOffsetVector), referencing the CT's frame of reference. */
sirt_status sirt_dicom_write_rtdose(const sirt_image *dose_gy, const char *path,
                                    const sirt_dicom_write_options *opt, sirt_error *err);

/* RTSTRUCT: read every ROI as contours, and rasterised on `grid`. */
sirt_status sirt_dicom_read_rtstruct_contours(const char *path, sirt_contour_set ***out,
                                              size_t *count, sirt_error *err);
sirt_status sirt_dicom_read_rtstruct(const char *path, const sirt_image *grid, int fractional,
                                     sirt_mask ***out, size_t *count, sirt_error *err);
/* Write masks as one RTSTRUCT (contours of each mask's 0.5 isoline, slice by slice). */
sirt_status sirt_dicom_write_rtstruct(const sirt_mask *const *masks, size_t count,
                                      const char *path, const sirt_dicom_write_options *opt,
                                      sirt_error *err);
/* DICOM SEG (binary or fractional segments) to masks on `grid` (NULL: the SEG's own grid). */
sirt_status sirt_dicom_read_seg(const char *path, const sirt_image *grid, sirt_mask ***out,
                                size_t *count, sirt_error *err);

/* --- Additions (issue 4, writing half) ----------------------------------------------- */

/* The same as sirt_dicom_read_rtstruct_contours / sirt_dicom_read_rtstruct, and every
 * contour that was skipped (POINT, OPEN_PLANAR, OPEN_NONPLANAR) noted in `notes` (severity
 * info, rule "rtstruct_contour_skipped"; may be NULL) so the caller can show it. */
sirt_status sirt_dicom_read_rtstruct_contours_ex(const char *path, sirt_contour_set ***out,
                                                 size_t *count, sirt_warning_list *notes,
                                                 sirt_error *err);
sirt_status sirt_dicom_read_rtstruct_ex(const char *path, const sirt_image *grid,
                                        int fractional, sirt_mask ***out, size_t *count,
                                        sirt_warning_list *notes, sirt_error *err);

/* Modality (0008,0060) of one DICOM file ("CT", "RTSTRUCT", "SEG", ...), headers only. */
sirt_status sirt_dicom_file_modality(const char *path, char *modality, size_t size,
                                     sirt_error *err);

/* The UID we create for (seed, role): "2.25." + the decimal of the first 128 bits of
 * SHA-256(seed as 8 little-endian bytes, then the role's bytes). */
sirt_status sirt_dicom_make_uid(uint64_t seed, const char *role,
                                char uid[SIRT_DICOM_UID_SIZE], sirt_error *err);

#ifdef __cplusplus
}
#endif
#endif
