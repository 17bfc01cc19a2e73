#!/usr/bin/env bash
# sirt info / sirt convert on DICOM written at test time by pydicom (the peer) and on
# pydicom's shipped test files: CT series order and geometry, rescale to HU, refusals
# (irregular spacing, gantry tilt, mixed frame of reference), NM counts with calibration and
# dead time, PET decay correction, timing warnings, bad inputs.
. "$(dirname "$0")/lib.sh"

"$PYTHON" - "$WORK" <<'PY' || { fail "pydicom could not write the test series"; finish; }
import os, sys, random
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
w = sys.argv[1]
rng = np.random.default_rng(7)

def base(modality, series, sop, rows, cols, for_uid="1.2.826.0.1.3680043.2.1125.7"):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.file_meta.MediaStorageSOPInstanceUID = sop
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.SOPInstanceUID = sop
    ds.Modality = modality
    ds.PatientID = "E2E"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.2.1125.1"
    ds.SeriesInstanceUID = series
    ds.FrameOfReferenceUID = for_uid
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.PixelSpacing = [0.8, 0.6]   # row spacing (along j), column spacing (along i)
    return ds

def save(ds, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.save_as(path, write_like_original=False)

# CT: 6 slices 12 rows x 16 columns, orientation rotated 20 degrees about z, slices 2.5 mm
# apart along the normal, file names shuffled (not in position order).
c, s = np.cos(np.radians(20)), np.sin(np.radians(20))
row = np.array([c, s, 0.0]); col = np.array([-s, c, 0.0]); nrm = np.cross(row, col)
p0 = np.array([-50.25, 30.5, -120.0])
ser = "1.2.826.0.1.3680043.2.1125.2.1"
stack = {}
for k in range(6):
    px = rng.integers(-1000, 3000, size=(12, 16)).astype(np.int16)
    stack[k] = px
names = ["z%02d.dcm" % i for i in range(6)]
random.Random(3).shuffle(names)
for k in range(6):
    ds = base("CT", ser, "1.2.826.0.1.3680043.2.1125.3.%d" % k, 12, 16)
    ds.ImageOrientationPatient = [float(x) for x in np.concatenate([row, col])]
    ds.ImagePositionPatient = [float(x) for x in p0 + 2.5 * k * nrm]
    ds.RescaleSlope = "1.5"
    ds.RescaleIntercept = "-1024"
    ds.PixelData = stack[k].tobytes()
    save(ds, "%s/ct/%s" % (w, names[k]))
np.save(w + "/ct_expected.npy", np.stack([stack[k] * 1.5 - 1024 for k in range(6)]))
with open(w + "/ct_geom.txt", "w") as fp:
    fp.write(" ".join(repr(float(x)) for x in list(p0) + list(row) + list(col) + list(nrm)))

def ct_series(dirname, positions, series, for_uids=None, tilt=None):
    for k, pos in enumerate(positions):
        ds = base("CT", series, series + ".%d" % k, 4, 4,
                  for_uids[k] if for_uids else "1.2.826.0.1.3680043.2.1125.7")
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = list(pos)
        if tilt is not None:
            ds.GantryDetectorTilt = tilt
        ds.PixelData = np.zeros((4, 4), np.int16).tobytes()
        save(ds, "%s/%s/s%d.dcm" % (w, dirname, k))

ct_series("irregular", [(0, 0, 0), (0, 0, 2.5), (0, 0, 5.0), (0, 0, 8.0)],
          "1.2.826.0.1.3680043.2.1125.4.1")
# Positions drift in y by 0.5 mm per 2.5 mm: a 11.3 degree tilt (atan 0.2).
ct_series("tilt", [(0, 0.5 * k, 2.5 * k) for k in range(4)], "1.2.826.0.1.3680043.2.1125.4.2")
ct_series("tilttag", [(0, 0, 2.5 * k) for k in range(3)], "1.2.826.0.1.3680043.2.1125.4.3",
          tilt=12.0)
ct_series("mixfor", [(0, 0, 2.5 * k) for k in range(3)], "1.2.826.0.1.3680043.2.1125.4.4",
          for_uids=["1.2.3.1", "1.2.3.2", "1.2.3.1"])
ct_series("regular", [(0, 0, 2.5 * k) for k in range(3)], "1.2.826.0.1.3680043.2.1125.4.5")

# NM: one multi-frame file, 4 frames of 8 x 8 counts, geometry in DetectorInformationSequence.
nm = base("NM", "1.2.826.0.1.3680043.2.1125.5.1", "1.2.826.0.1.3680043.2.1125.5.1.1", 8, 8)
nm.SOPClassUID = nm.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.20"
nm.PixelRepresentation = 0
nm.PixelSpacing = [4.42, 4.42]
nm.NumberOfFrames = 4
nm.SpacingBetweenSlices = 4.42
nm.Units = "CNTS"
det = Dataset()
det.ImagePositionPatient = [-15.47, -15.47, 100.0]
det.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
nm.DetectorInformationSequence = [det]
counts = rng.integers(0, 500, size=(4, 8, 8)).astype(np.uint16)
nm.PixelData = counts.tobytes()
save(nm, w + "/nm/nm.dcm")
np.save(w + "/nm_counts.npy", counts)

# PET: 3 slices, BQML, START; series and acquisition at 10:00:00 (+01:00), injection 09:00.
def pet(dirname, series, inj="20261124090000", series_time="100000", acq_time="100000",
        dc="START", tz="+0100", slope=0.25):
    for k in range(3):
        ds = base("PT", series, series + ".%d" % k, 4, 5)
        ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.128"
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [0, 0, 3.27 * k]
        ds.Units = "BQML"
        ds.DecayCorrection = dc
        ds.SeriesDate = "20261124"
        ds.AcquisitionDate = "20261124"
        if series_time:
            ds.SeriesTime = series_time
        if acq_time:
            ds.AcquisitionTime = acq_time
        if tz:
            ds.TimezoneOffsetFromUTC = tz
        ds.RescaleSlope = slope
        ds.RescaleIntercept = 0
        ds.ActualFrameDuration = 120000
        rp = Dataset()
        if inj:
            rp.RadiopharmaceuticalStartDateTime = inj
        rp.RadionuclideHalfLife = 6586.2
        rp.RadionuclideTotalDose = 3.7e8
        ds.RadiopharmaceuticalInformationSequence = [rp]
        ds.PixelData = (np.arange(20, dtype=np.int16).reshape(4, 5) + 100 * k).tobytes()
        save(ds, "%s/%s/p%d.dcm" % (w, dirname, k))

pet("pet", "1.2.826.0.1.3680043.2.1125.6.1")
pet("pet_inj_after", "1.2.826.0.1.3680043.2.1125.6.2", inj="20261124110000")
pet("pet_series_late", "1.2.826.0.1.3680043.2.1125.6.3", series_time="101000")
pet("pet_no_time", "1.2.826.0.1.3680043.2.1125.6.4", series_time=None, acq_time=None)

# A CT slice without Rows.
ds = base("CT", "1.2.826.0.1.3680043.2.1125.8.1", "1.2.826.0.1.3680043.2.1125.8.1.1", 4, 4)
ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
ds.ImagePositionPatient = [0, 0, 0]
ds.PixelData = np.zeros((4, 4), np.int16).tobytes()
del ds.Rows
save(ds, w + "/norows/x.dcm")
PY

# ---- CT: order, geometry and HU against numpy --------------------------------------
run_sirt ct info "$WORK/ct" --json "$WORK/ct.json"
expect_rc 0 "CT series with shuffled file names"
expect_grep "$WORK/ct.out" "6 files" "six files in the series"
expect_grep "$WORK/ct.out" "slice spacing along the normal" "spacing check listed"
read -r P0X P0Y P0Z RX RY RZ CX CY CZ NX NY NZ < "$WORK/ct_geom.txt"
# Geometry: DS values are written by pydicom with up to 16 characters, so 1e-6 mm.
json_check "$WORK/ct.json" "j['dims'] == [16, 12, 6]" "dims 16 x 12 x 6 (Columns, Rows, files)"
json_check "$WORK/ct.json" "abs(j['spacing_mm'][0] - 0.6) < 1e-9 and abs(j['spacing_mm'][1] - 0.8) < 1e-9 and abs(j['spacing_mm'][2] - 2.5) < 1e-6" "spacing 0.6 x 0.8 x 2.5 mm"
json_check "$WORK/ct.json" "max(abs(a - b) for a, b in zip(j['origin_lps_mm'], [$P0X, $P0Y, $P0Z])) < 1e-6" "origin = first slice along the normal"
json_check "$WORK/ct.json" "max(abs(j['direction_lps'][r][c] - [[$RX, $CX, $NX], [$RY, $CY, $NY], [$RZ, $CZ, $NZ]][r][c]) for r in range(3) for c in range(3)) < 1e-6" "direction columns = row, column, normal"
json_check "$WORK/ct.json" "j['unit'] == 'HU' and j['dicom']['units'] == 'HU'" "unit HU"
"$PYTHON" - "$WORK" <<'PY' > "$WORK/ct_sums.txt"
import sys, numpy as np
e = np.load(sys.argv[1] + "/ct_expected.npy")    # [k][row j][col i]
flat = e.transpose(0, 1, 2).reshape(-1)          # i fastest, then j, then k
print(repr(float(flat.sum())), repr(float(flat[0])), repr(float(flat[-1])))
PY
read -r CSUM CFIRST CLAST < "$WORK/ct_sums.txt"
json_check "$WORK/ct.json" "abs(j['sum'] - $CSUM) <= 1e-9 * 6 * 192 * 4000 and j['voxel_first'] == $CFIRST and j['voxel_last'] == $CLAST" "sum, first and last voxel = numpy (sorted by position)"
# Voxel by voxel through sirt convert (DICOM -> NIfTI) and nibabel.
run_sirt ct_conv convert "$WORK/ct" "$WORK/ct.nii"
expect_rc 0 "convert CT series to NIfTI"
"$PYTHON" - "$WORK" <<'PY' && pass "CT voxels = pydicom pixels x 1.5 - 1024 (exact in float32)" || fail "CT voxels differ from numpy"
import sys, numpy as np, nibabel as nb
w = sys.argv[1]
e = np.load(w + "/ct_expected.npy")                   # [k, j, i]
d = np.asarray(nb.load(w + "/ct.nii").dataobj)        # [i, j, k]
got = np.transpose(d, (2, 1, 0))
assert got.shape == e.shape, (got.shape, e.shape)
# Values are integers times 1.5 minus 1024, exactly representable in float32.
assert np.array_equal(got.astype(np.float64), e), np.abs(got - e).max()
PY

# ---- refusals ------------------------------------------------------------------------
run_sirt irregular info "$WORK/irregular" --json "$WORK/irregular.json"
expect_rc 1 "irregular slice spacing refused"
expect_grep "$WORK/irregular.err" "irregular slice spacing: gap 3.0000 mm" "gap named"
expect_grep "$WORK/irregular.err" "1.2.826.0.1.3680043.2.1125.4.1" "series named"
[ ! -e "$WORK/irregular.json" ] && pass "no JSON left after a refusal" || fail "JSON written on error"
run_sirt tilt info "$WORK/tilt"
expect_rc 1 "positions off the normal refused"
expect_grep "$WORK/tilt.err" "gantry tilt or shear of 11.3 degrees" "tilt angle named (atan 0.2 = 11.31 deg)"
run_sirt tilttag info "$WORK/tilttag"
expect_rc 1 "GantryDetectorTilt 12 refused"
expect_grep "$WORK/tilttag.err" "gantry tilt 12 degrees" "tilt tag value named"
run_sirt mixfor info "$WORK/mixfor"
expect_rc 1 "mixed frames of reference refused"
expect_grep "$WORK/mixfor.err" "mixed FrameOfReferenceUID" "frame of reference named"
run_sirt regular info "$WORK/regular"
expect_rc 0 "the same series, regular and untilted, is read"

# ---- NM counts with calibration and dead time -----------------------------------------
run_sirt nm info "$WORK/nm" --calibration 2.5 --calibration-uncertainty 0.05 --dead-time 1.1 --json "$WORK/nm.json"
expect_rc 0 "NM multi-frame in counts"
expect_grep "$WORK/nm.out" "relative uncertainty 0.05" "calibration uncertainty reported"
# Voxel 4.42^3 mm^3 = 86.350888 mm^3 = 0.086350888 mL; Bq/mL = counts * 1.1 * 2.5 / 0.086350888.
MEANC=$("$PYTHON" -c "import numpy as np; print(repr(float(np.load('$WORK/nm_counts.npy').astype(float).mean())))")
json_check "$WORK/nm.json" "j['dims'] == [8, 8, 4] and j['unit'] == 'Bq/mL'" "NM dims and unit Bq/mL"
json_check "$WORK/nm.json" "approx(j['mean'], $MEANC * 1.1 * 2.5 / (4.42**3 / 1000), 1e-6)" "mean = mean counts x 1.1 x 2.5 / 0.08635 mL"
json_check "$WORK/nm.json" "max(abs(a - b) for a, b in zip(j['origin_lps_mm'], [-15.47, -15.47, 100.0])) < 1e-9" "origin from DetectorInformationSequence"
json_check "$WORK/nm.json" "abs(j['spacing_mm'][2] - 4.42) < 1e-12" "SpacingBetweenSlices 4.42 mm"
run_sirt nm_counts info "$WORK/nm" --json "$WORK/nm_counts.json"
json_check "$WORK/nm_counts.json" "j['unit'] == 'counts' and approx(j['mean'], $MEANC, 1e-9)" "no calibration: counts unchanged"

# ---- PET decay correction ---------------------------------------------------------------
run_sirt pet info "$WORK/pet" --reference-time 2026-11-24T09:00:00+01:00 --json "$WORK/pet.json"
expect_rc 0 "PET with --reference-time"
# START refers to 10:00:00+01:00; back to 09:00 = 3600 s: factor 2^(3600/6586.2):
# 3600/6586.2 = 0.5465974, x ln2 = 0.3788725, exp(.) = 1.4606367.
json_check "$WORK/pet.json" "approx(j['dicom']['decay_factor_applied'], 1.4606367, 1e-7)" "decay factor 1.4606367 (hand arithmetic)"
# Stored values: slice k holds 0..19 + 100k, slope 0.25: sum = 0.25 * (3*190 + 20*300) = 1642.5.
json_check "$WORK/pet.json" "approx(j['sum'], 1642.5 * 1.4606367, 1e-6)" "values x slope x factor"
json_check "$WORK/pet.json" "j['dicom']['timing']['injection'] == '2026-11-24T09:00:00+01:00' and j['warnings'] == []" "injection time read, no warning"
run_sirt pet_hl info "$WORK/pet" --reference-time 2026-11-24T11:00:00+01:00 --half-life-s 3600 --json "$WORK/pet_hl.json"
json_check "$WORK/pet_hl.json" "approx(j['dicom']['decay_factor_applied'], 0.5, 1e-9)" "one half-life later: factor 0.5"
run_sirt pet_nodecay info "$WORK/pet" --json "$WORK/pet_nodecay.json"
json_check "$WORK/pet_nodecay.json" "j['dicom']['decay_factor_applied'] == 1 and approx(j['sum'], 1642.5, 1e-9) and j['dicom']['timing']['reference_time'] == '2026-11-24T10:00:00+01:00'" "without --reference-time: values as stored, reference = series time"

run_sirt pet_inj info "$WORK/pet_inj_after" --json "$WORK/pet_inj.json"
expect_rc 0 "injection after acquisition: read with a warning"
expect_grep "$WORK/pet_inj.out" "WARNING" "warning boxed in text"
json_check "$WORK/pet_inj.json" "len(j['warnings']) == 1 and 'before the radiopharmaceutical start' in j['warnings'][0]" "contradictory timing warned in JSON"
run_sirt pet_late info "$WORK/pet_series_late" --json "$WORK/pet_late.json"
json_check "$WORK/pet_late.json" "any('differ by 600 s' in w for w in j['warnings'])" "SeriesTime 10 min after AcquisitionTime warned"
json_check "$WORK/pet_late.json" "j['dicom']['timing']['reference_time'] == '2026-11-24T10:00:00+01:00'" "START then refers to the acquisition (series re-created)"
run_sirt pet_notime info "$WORK/pet_no_time" --reference-time 2026-11-24T09:00:00+01:00 --json "$WORK/pet_notime.json"
expect_rc 1 "decay correction without acquisition/series time refused"
expect_grep "$WORK/pet_notime.err" "unknown" "missing timing explained"
[ ! -e "$WORK/pet_notime.json" ] && pass "no JSON left" || fail "JSON written on error"
run_sirt ct_decay info "$WORK/ct" --reference-time 2026-11-24T09:00:00+01:00
expect_rc 1 "decay correction of a CT refused"

# ---- pydicom's shipped files ----------------------------------------------------------
TF=/usr/lib/python3/dist-packages/pydicom/data/test_files
if [ ! -d "$TF" ]; then
  echo "SKIP: pydicom test files not found in $TF (python3-pydicom not installed?)"
else
  FILES=""
  for f in CT_small MR_small MR_small_bigendian MR_small_implicit MR_small_RLE MR_small_jpeg_ls_lossless rtdose; do
    if [ ! -f "$TF/$f.dcm" ]; then echo "SKIP: $TF/$f.dcm absent"; continue; fi
    run_sirt "pd_$f" convert "$TF/$f.dcm" "$WORK/pd_$f.nii"
    expect_rc 0 "convert pydicom's $f.dcm"
    FILES="$FILES $f"
  done
  # Compressed MR files are lossless encodings of MR_small: compared with its pixels (pydicom
  # may lack a JPEG-LS decoder). RT Dose: pixels x DoseGridScaling. One python for all files.
  "$PYTHON" - "$TF" "$WORK" $FILES <<'PY' > "$WORK/pd_cmp.txt" 2>&1
import sys, numpy as np, nibabel as nb, pydicom
tf, w = sys.argv[1:3]
for name in sys.argv[3:]:
    try:
        ref = {"MR_small_RLE": "MR_small", "MR_small_jpeg_ls_lossless": "MR_small"}.get(name, name)
        ds = pydicom.dcmread("%s/%s.dcm" % (tf, ref))
        px = ds.pixel_array.astype(np.float64)
        if name == "rtdose":
            e = px * float(ds.DoseGridScaling)            # frames, rows, cols
        else:
            e = px * float(getattr(ds, "RescaleSlope", 1)) + float(getattr(ds, "RescaleIntercept", 0))
            e = e[np.newaxis]
        d = np.asarray(nb.load("%s/pd_%s.nii" % (w, name)).dataobj).astype(np.float64)
        got = np.transpose(d, (2, 1, 0))                  # i, j, k -> k, j, i
        assert got.shape == e.shape, (got.shape, e.shape)
        # float32 storage: relative 1e-6 of the largest value.
        err = np.abs(got - e).max()
        assert err <= 1e-6 * max(1.0, np.abs(e).max()), err
        print("OK", name)
    except Exception as ex:
        print("BAD", name, repr(ex))
PY
  for f in $FILES; do
    grep -qx "OK $f" "$WORK/pd_cmp.txt" && pass "$f: voxels = pydicom pixel_array x rescale" ||
      { fail "$f: voxels differ from pydicom"; grep "$f" "$WORK/pd_cmp.txt" >&2; }
  done
  run_sirt pd_trunc info "$TF/MR_truncated.dcm" --json "$WORK/trunc.json"
  expect_rc 1 "pydicom's MR_truncated.dcm refused"
  expect_grep "$WORK/pd_trunc.err" "MR_truncated.dcm" "truncated file named"
  [ ! -e "$WORK/trunc.json" ] && pass "no JSON left" || fail "JSON written on error"
  run_sirt pd_rtstruct info "$TF/rtstruct.dcm"
  expect_rc 1 "RTSTRUCT given as an image refused"
  expect_grep "$WORK/pd_rtstruct.err" "sirt_dicom_read_rtstruct" "the right reader is named"
fi

# ---- bad inputs ------------------------------------------------------------------------
F1="$WORK/ct/$(ls "$WORK/ct" | head -1)"
head -c $(( $(stat -c %s "$F1") - 100 )) "$F1" > "$WORK/cut.dcm"
run_sirt cut info "$WORK/cut.dcm" --json "$WORK/cut.json"
expect_rc 1 "truncated CT slice refused"
expect_grep "$WORK/cut.err" "cut.dcm" "truncated file named"
[ ! -e "$WORK/cut.json" ] && pass "no JSON left" || fail "JSON written on error"
printf 'just some text, not DICOM\n%.0s' $(seq 1 20) > "$WORK/notes.dcm"
run_sirt text info "$WORK/notes.dcm" --json "$WORK/text.json"
expect_rc 1 "text file refused"
expect_grep "$WORK/text.err" "notes.dcm" "text file named"
[ ! -e "$WORK/text.json" ] && pass "no JSON left" || fail "JSON written on error"
run_sirt norows info "$WORK/norows/x.dcm"
expect_rc 1 "missing Rows refused"
expect_grep "$WORK/norows.err" "Rows (0028,0010) missing" "missing Rows named"
expect_grep "$WORK/norows.err" "x.dcm" "file named"
run_sirt conv_bad convert "$WORK/tilt" "$WORK/tilt.nii"
expect_rc 1 "convert refuses a tilted series"
[ ! -e "$WORK/tilt.nii" ] && pass "no NIfTI left" || fail "NIfTI written on error"
run_sirt usage info "$WORK/ct" --dead-time
expect_rc 2 "--dead-time without a value is a usage error"
run_sirt deadrange info "$WORK/nm" --dead-time 0.5
expect_rc 1 "dead time below 1 refused"

finish
