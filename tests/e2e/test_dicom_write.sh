#!/bin/bash
# DICOM writing and structures (docs/images.md "Writing DICOM and structures"): our CT series,
# PET series, RT Dose and RTSTRUCT read by pydicom, dcm2niix and plastimatch (Debian); RTSTRUCT
# and SEG written by pydicom read by us; round trips; same seed same bytes; bad inputs.
# All inputs are generated here.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

for tool in dcm2niix plastimatch; do
  command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done

# --- inputs: NIfTI images on one grid (40 x 36 x 8, 1.0 x 1.2 x 2.5 mm) -------------------
"$PYTHON" - <<'PY' || fail "input generation"
import numpy as np, nibabel as nib
# RAS affine with x and y flipped (an LPS-stored image, as DICOM-derived NIfTIs are).
aff = np.array([[-1.0, 0, 0, 25.0], [0, -1.2, 0, 30.0], [0, 0, 2.5, -40.0], [0, 0, 0, 1]])
shape = (40, 36, 8)
i, j, k = np.meshgrid(*[np.arange(n) for n in shape], indexing='ij')
def save(a, name, unit):
    img = nib.Nifti1Image(a.astype(np.float32), aff)
    if unit:
        img.header['descrip'] = ('sirt:unit=' + unit).encode()
    nib.save(img, name)
rng = np.random.default_rng(4)
save(rng.integers(-1024, 2000, size=shape), 'ct.nii.gz', 'HU')          # integer HU
save(1e4 * np.exp(-((i - 20)**2 + (j - 18)**2) / 50.0) * (1 + k), 'pet.nii.gz', 'Bq/mL')
save(0.37 * i + 0.11 * j + 1.3 * k + 0.01, 'dose.nii.gz', 'Gy')        # 0.01 .. 24.85 Gy
# Masks: a ring (disc r <= 8 with a hole r <= 3) on k 2..5 and a box.
r2 = (i - 15)**2 + (j - 17)**2
ring = (r2 <= 64) & (r2 > 9) & (k >= 2) & (k <= 5)
box = (i >= 28) & (i <= 35) & (j >= 5) & (j <= 12) & (k >= 1) & (k <= 6)
import os
os.makedirs('masks', exist_ok=True)
save(ring, 'masks/ring.nii.gz', 'fraction')
save(box, 'masks/box.nii.gz', 'fraction')
print(int(ring.sum()), int(box.sum()))
PY

# --- CT series ----------------------------------------------------------------------------
run_sirt ct convert ct.nii.gz ctdir --seed 5 --patient-id P1
expect_rc 0 "NIfTI (HU) -> DICOM CT series"
"$PYTHON" - <<'PY' && pass "pydicom: CT series geometry and every voxel agree with the NIfTI (exact: integer HU, slope 1)" || fail "pydicom CT check"
import glob, numpy as np, nibabel as nib, pydicom
def nifti_index(inv, ipp, row, col, ps, rows, cols):
    """NIfTI voxel index of each DICOM pixel centre (rows x cols x 3), and how far from integer."""
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing='ij')
    lps = ipp + (c * ps[1])[..., None] * row + (r * ps[0])[..., None] * col
    ras = np.concatenate([-lps[..., :2], lps[..., 2:], np.ones(lps.shape[:2] + (1,))], axis=-1)
    ijk = (ras @ inv.T)[..., :3]
    idx = np.rint(ijk).astype(int)
    return idx, np.abs(ijk - idx).max()
nii = nib.load('ct.nii.gz'); a = nii.get_fdata(); inv = np.linalg.inv(nii.affine)
files = sorted(glob.glob('ctdir/*.dcm')); assert len(files) == 8, len(files)
uids = set()
for f in files:
    d = pydicom.dcmread(f)
    assert d.SOPClassUID == '1.2.840.10008.5.1.4.1.1.2' and d.Modality == 'CT'
    assert d.PatientID == 'P1'
    assert 'StudyDate' not in d or d.StudyDate == ''   # no clock in the files
    uids.add(d.SOPInstanceUID); assert d.SOPInstanceUID.startswith('2.25.')
    row = np.array(d.ImageOrientationPatient[:3], float); col = np.array(d.ImageOrientationPatient[3:], float)
    ipp = np.array(d.ImagePositionPatient, float); ps = [float(x) for x in d.PixelSpacing]
    v = d.pixel_array * float(d.RescaleSlope) + float(d.RescaleIntercept)
    normal = np.cross(row, col)
    assert abs(float(d.SliceLocation) - ipp @ normal) < 1e-3
    idx, off = nifti_index(inv, ipp, row, col, ps, d.Rows, d.Columns)
    assert off < 1e-3, (f, off)
    ref = a[idx[..., 0], idx[..., 1], idx[..., 2]]
    assert np.array_equal(v, ref), (f, np.abs(v - ref).max())
assert len(uids) == 8
PY
rm -rf d2n && mkdir d2n && dcm2niix -z y -f ct -o d2n ctdir >d2n.log 2>&1
"$PYTHON" - <<'PY' && pass "dcm2niix + nibabel: same voxels and affine as our NIfTI (affine within 1e-3 mm)" || fail "dcm2niix check"
import numpy as np, nibabel as nib
a = nib.as_closest_canonical(nib.load('ct.nii.gz')); b = nib.as_closest_canonical(nib.load('d2n/ct.nii.gz'))
assert a.shape == b.shape, (a.shape, b.shape)
assert np.abs(a.affine - b.affine).max() < 1e-3, (a.affine, b.affine)
assert np.array_equal(a.get_fdata(), b.get_fdata())
PY

# --- PET series: Bq/mL, per-slice slope -------------------------------------------------
run_sirt pet convert pet.nii.gz petdir --seed 5
expect_rc 0 "NIfTI (Bq/mL) -> DICOM PT series"
# Quantisation: int16 with intercept 0 and slope = slice max / 32000, so each voxel is within
# slope/2 = max/64000 of the float value.
"$PYTHON" - <<'PY' && pass "pydicom: PT series (Units BQML) within slope/2 of every voxel" || fail "pydicom PT check"
import glob, numpy as np, nibabel as nib, pydicom
def nifti_index(inv, ipp, row, col, ps, rows, cols):
    """NIfTI voxel index of each DICOM pixel centre (rows x cols x 3), and how far from integer."""
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing='ij')
    lps = ipp + (c * ps[1])[..., None] * row + (r * ps[0])[..., None] * col
    ras = np.concatenate([-lps[..., :2], lps[..., 2:], np.ones(lps.shape[:2] + (1,))], axis=-1)
    ijk = (ras @ inv.T)[..., :3]
    idx = np.rint(ijk).astype(int)
    return idx, np.abs(ijk - idx).max()
nii = nib.load('pet.nii.gz'); a = nii.get_fdata(); inv = np.linalg.inv(nii.affine)
files = sorted(glob.glob('petdir/*.dcm')); assert len(files) == 8
for f in files:
    d = pydicom.dcmread(f)
    assert d.Modality == 'PT' and d.Units == 'BQML' and d.SOPClassUID == '1.2.840.10008.5.1.4.1.1.128'
    ipp = np.array(d.ImagePositionPatient, float)
    k = int(round((inv @ np.array([-ipp[0], -ipp[1], ipp[2], 1]))[2]))
    # rows run along j, columns along i, and the NIfTI's i, j are flipped relative to LPS
    v = d.pixel_array * float(d.RescaleSlope) + float(d.RescaleIntercept)
    slope = float(d.RescaleSlope)
    assert float(d.RescaleIntercept) == 0
    row = np.array(d.ImageOrientationPatient[:3], float); col = np.array(d.ImageOrientationPatient[3:], float)
    ps = [float(x) for x in d.PixelSpacing]
    idx, off = nifti_index(inv, ipp, row, col, ps, d.Rows, d.Columns)
    assert off < 1e-3, (f, off)
    ref = a[idx[..., 0], idx[..., 1], idx[..., 2]]
    assert (np.abs(v - ref) <= slope / 2 + 1e-6 * np.abs(ref)).all(), (f, np.abs(v - ref).max(), slope)
    assert abs(slope - a[:, :, k].max() / 32000) <= 1e-9 * slope * 1e3
PY

run_sirt petref convert pet.nii.gz petref --reference ctdir --seed 5
expect_rc 0 "PT series written into the CT's study (--reference)"
"$PYTHON" - <<'PY' && pass "PT series with --reference: the CT's study, frame of reference and patient, its own series" || fail "PT --reference check"
import glob, pydicom
c = pydicom.dcmread(sorted(glob.glob('ctdir/*.dcm'))[0]); p = pydicom.dcmread(sorted(glob.glob('petref/*.dcm'))[0])
q = pydicom.dcmread(sorted(glob.glob('petdir/*.dcm'))[0])
assert p.StudyInstanceUID == c.StudyInstanceUID and p.FrameOfReferenceUID == c.FrameOfReferenceUID
assert p.PatientID == 'P1' and p.SeriesInstanceUID != c.SeriesInstanceUID
assert q.PatientID == 'ANONYMOUS'
PY

# --- RT Dose referencing the CT -----------------------------------------------------------
run_sirt dose convert dose.nii.gz dose.dcm --to rtdose --reference ctdir --seed 5
expect_rc 0 "NIfTI (Gy) -> RT Dose referencing the CT"
# DoseGridScaling = max/4e9 (24.85/4e9 = 6.2e-9 Gy), so each voxel is within 3.2e-9 Gy
# (plus float32 rounding of the NIfTI values, 1e-6 relative).
"$PYTHON" - <<'PY' && pass "pydicom: RT Dose values (within DoseGridScaling/2), geometry, UIDs of the CT" || fail "pydicom RT Dose check"
import glob, numpy as np, nibabel as nib, pydicom
def nifti_index(inv, ipp, row, col, ps, rows, cols):
    """NIfTI voxel index of each DICOM pixel centre (rows x cols x 3), and how far from integer."""
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing='ij')
    lps = ipp + (c * ps[1])[..., None] * row + (r * ps[0])[..., None] * col
    ras = np.concatenate([-lps[..., :2], lps[..., 2:], np.ones(lps.shape[:2] + (1,))], axis=-1)
    ijk = (ras @ inv.T)[..., :3]
    idx = np.rint(ijk).astype(int)
    return idx, np.abs(ijk - idx).max()
nii = nib.load('dose.nii.gz'); a = nii.get_fdata(); inv = np.linalg.inv(nii.affine)
d = pydicom.dcmread('dose.dcm')
ct = pydicom.dcmread(sorted(glob.glob('ctdir/*.dcm'))[0])
assert d.Modality == 'RTDOSE' and d.DoseUnits == 'GY' and d.DoseType == 'PHYSICAL'
assert d.DoseSummationType == 'PLAN' and d.BitsAllocated == 32 and d.PixelRepresentation == 0
assert d.FrameOfReferenceUID == ct.FrameOfReferenceUID and d.StudyInstanceUID == ct.StudyInstanceUID
assert d.PatientID == ct.PatientID
assert d.FrameIncrementPointer == 0x3004000C
scale = float(d.DoseGridScaling); px = d.pixel_array * scale
off = [float(x) for x in d.GridFrameOffsetVector]; assert len(off) == int(d.NumberOfFrames) == 8
ipp = np.array(d.ImagePositionPatient, float)
row = np.array(d.ImageOrientationPatient[:3], float); col = np.array(d.ImageOrientationPatient[3:], float)
n = np.cross(row, col); ps = [float(x) for x in d.PixelSpacing]
for f in range(8):
    idx, o = nifti_index(inv, ipp + off[f] * n, row, col, ps, d.Rows, d.Columns)
    assert o < 1e-3, (f, o)
    ref = a[idx[..., 0], idx[..., 1], idx[..., 2]]
    assert (np.abs(px[f] - ref) <= scale / 2 + 1e-6 * ref).all(), (f, np.abs(px[f] - ref).max())
PY
rm -rf pdose && mkdir pdose && cp dose.dcm pdose/
plastimatch convert --input pdose --output-dose-img pdose.nii.gz >plastimatch_dose.log 2>&1
"$PYTHON" - <<'PY' && pass "plastimatch reads our RT Dose: same voxels (within 1e-5 Gy) on the same grid" || fail "plastimatch RT Dose check"
import numpy as np, nibabel as nib
a = nib.as_closest_canonical(nib.load('dose.nii.gz')); b = nib.as_closest_canonical(nib.load('pdose.nii.gz'))
assert a.shape == b.shape, (a.shape, b.shape)
assert np.abs(a.affine - b.affine).max() < 1e-3, (a.affine, b.affine)
# plastimatch stores float32: 24.85 Gy has a float32 step of 1.9e-6 Gy
assert np.abs(a.get_fdata() - b.get_fdata()).max() < 1e-5
PY

# --- our DICOM read back by us: DICOM -> NIfTI ----------------------------------------------
"$PYTHON" - <<'PY' || fail "NM input generation"
import numpy as np, nibabel as nib
aff = np.array([[-1.0, 0, 0, 25.0], [0, -1.2, 0, 30.0], [0, 0, 2.5, -40.0], [0, 0, 0, 1]])
i, j, k = np.meshgrid(np.arange(40), np.arange(36), np.arange(8), indexing='ij')
img = nib.Nifti1Image(((i + 2 * j) * (k + 1)).astype(np.float32), aff)
img.header['descrip'] = b'sirt:unit=counts'
nib.save(img, 'nm.nii.gz')
PY
run_sirt nm convert nm.nii.gz nmdir --seed 5
expect_rc 0 "NIfTI (counts) -> DICOM NM (one multi-frame file)"
"$PYTHON" - <<'PY' && pass "pydicom: NM multi-frame (8 frames, SliceVector, detector geometry), counts exact" || fail "pydicom NM check"
import glob, numpy as np, nibabel as nib, pydicom
files = glob.glob('nmdir/*.dcm'); assert len(files) == 1
d = pydicom.dcmread(files[0])
assert d.Modality == 'NM' and int(d.NumberOfFrames) == 8 and d.FrameIncrementPointer == 0x00540080
assert list(d.SliceVector) == list(range(1, 9)) and d.Units == 'CNTS'
ipp = [float(x) for x in d.DetectorInformationSequence[0].ImagePositionPatient]
assert np.allclose(ipp, [-25, -30, -40]), ipp       # RAS (25, 30, -40) -> LPS
v = d.pixel_array * float(d.RescaleSlope) + float(d.RescaleIntercept)
a = nib.load('nm.nii.gz').get_fdata()
# LPS-stored NIfTI (x, y flipped in RAS): frame k, row j, column i is voxel (i, j, k)
assert np.array_equal(v, np.transpose(a, (2, 1, 0))), np.abs(v - np.transpose(a, (2, 1, 0))).max()
PY
for n in ct pet nm; do
  run_sirt back_$n convert ${n}dir ${n}_back.nii.gz
  expect_rc 0 "our $n series read back (DICOM -> NIfTI)"
done
run_sirt back_dose convert dose.dcm dose_back.nii.gz
expect_rc 0 "our RT Dose read back (DICOM -> NIfTI)"
# CT and NM: integers stored with slope 1, exact. PET: within slope/2 = slice max / 64000.
# Dose: within DoseGridScaling/2 = 3.1e-9 Gy plus float32 rounding (2e-6 Gy at 25 Gy).
"$PYTHON" - <<'PY' && pass "DICOM -> NIfTI: geometry, unit and values as the original NIfTI" || fail "read-back check"
import numpy as np, nibabel as nib
for src, back, unit, tol in (('ct', 'ct_back', 'HU', 0), ('nm', 'nm_back', 'counts', 0),
                             ('pet', 'pet_back', 'Bq/mL', None), ('dose', 'dose_back', 'Gy', 2e-6)):
    a = nib.as_closest_canonical(nib.load(src + '.nii.gz')); b = nib.as_closest_canonical(nib.load(back + '.nii.gz'))
    assert a.shape == b.shape and np.abs(a.affine - b.affine).max() < 1e-4, (src, a.affine, b.affine)
    assert b.header['descrip'].tobytes().rstrip(b'\0') == ('sirt:unit=' + unit).encode(), b.header['descrip']
    x, y = a.get_fdata(), b.get_fdata()
    if tol is None:
        tol = x.max(axis=(0, 1), keepdims=True) / 64000 + 1e-3
    assert (np.abs(x - y) <= tol).all(), (src, np.abs(x - y).max())
PY

# --- RTSTRUCT from NIfTI masks, referencing the CT -----------------------------------------
run_sirt rs convert masks rs.dcm --to rtstruct --reference ctdir --seed 5
expect_rc 0 "NIfTI masks -> RTSTRUCT referencing the CT"
"$PYTHON" - <<'PY' && pass "pydicom: RTSTRUCT references the CT's frame of reference, series and slices" || fail "pydicom RTSTRUCT check"
import glob, pydicom
d = pydicom.dcmread('rs.dcm')
cts = {}
for f in glob.glob('ctdir/*.dcm'):
    c = pydicom.dcmread(f); cts[c.SOPInstanceUID] = float(c.ImagePositionPatient[2])
ct = c
assert d.Modality == 'RTSTRUCT' and d.StudyInstanceUID == ct.StudyInstanceUID
fr = d.ReferencedFrameOfReferenceSequence[0]
assert fr.FrameOfReferenceUID == ct.FrameOfReferenceUID
se = fr.RTReferencedStudySequence[0].RTReferencedSeriesSequence[0]
assert se.SeriesInstanceUID == ct.SeriesInstanceUID
assert {x.ReferencedSOPInstanceUID for x in se.ContourImageSequence} == set(cts)
assert [r.ROIName for r in d.StructureSetROISequence] == ['box', 'ring']
for rc in d.ROIContourSequence:
    for c in rc.ContourSequence:
        assert c.ContourGeometricType == 'CLOSED_PLANAR'
        uid = c.ContourImageSequence[0].ReferencedSOPInstanceUID
        assert abs(cts[uid] - float(c.ContourData[2])) < 1e-3, (uid, c.ContourData[2])
PY
rm -rf prs && plastimatch convert --input rs.dcm --referenced-ct ctdir --output-prefix prs \
  --prefix-format nii.gz --xor-contours >plastimatch_rs.log 2>&1
# plastimatch, like us, takes a voxel when its centre is inside (even-odd with
# --xor-contours); the 0.5 isoline runs halfway between centres, so no centre lies on a
# contour and both rasterisations must agree voxel for voxel.
"$PYTHON" - <<'PY' && pass "plastimatch reads our RTSTRUCT: the same voxels as the NIfTI masks (ring with hole, box)" || fail "plastimatch RTSTRUCT check"
import numpy as np, nibabel as nib
for name in ('ring', 'box'):
    a = nib.as_closest_canonical(nib.load('masks/%s.nii.gz' % name))
    b = nib.as_closest_canonical(nib.load('prs/%s.nii.gz' % name))
    assert a.shape == b.shape and np.abs(a.affine - b.affine).max() < 1e-3
    diff = int(((a.get_fdata() > 0.5) != (b.get_fdata() > 0.5)).sum())
    assert diff == 0, (name, diff)
PY

# --- mask -> RTSTRUCT -> mask round trip -------------------------------------------------
run_sirt rsback convert rs.dcm rsback --grid ct.nii.gz
expect_rc 0 "RTSTRUCT -> NIfTI masks on the CT grid"
run_sirt rsbackf convert rs.dcm rsbackf --grid ct.nii.gz --fractional
expect_rc 0 "RTSTRUCT -> fractional NIfTI masks"
# Binary: exact (marching squares at 0.5 then centre-inside: the same voxels). Fractional: the
# isoline cuts each convex corner voxel diagonally (-1/8 voxel) and each concave one (+1/8),
# so the volume is within 2 % for these shapes (ring: 4 slices of ~190 voxels).
"$PYTHON" - <<'PY' && pass "round trip: binary volumes exact, fractional within 2 %" || fail "round trip"
import numpy as np, nibabel as nib
for name in ('ring', 'box'):
    a = nib.load('masks/%s.nii.gz' % name).get_fdata()
    b = nib.load('rsback/%s.nii.gz' % name).get_fdata()
    f = nib.load('rsbackf/%s.nii.gz' % name).get_fdata()
    assert np.array_equal(a > 0.5, b > 0.5), name
    assert abs(f.sum() - a.sum()) <= 0.02 * a.sum(), (name, f.sum(), a.sum())
PY

# --- RTSTRUCT written by pydicom: two contours per slice, a hole, POINT and OPEN ----------
"$PYTHON" - <<'PY' || fail "pydicom RTSTRUCT generation"
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian
def rtstruct(path, rois, drop=None):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.481.3'
    meta.MediaStorageSOPInstanceUID = '1.2.826.0.1.3680043.2.1125.1'
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset(); ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID; ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = 'RTSTRUCT'; ds.PatientID = 'X'
    ssr, rcs = [], []
    for n, (name, contours) in enumerate(rois, 1):
        s = Dataset(); s.ROINumber = n; s.ROIName = name; ssr.append(s)
        rc = Dataset(); rc.ROIDisplayColor = [10 * n, 20, 30]
        if drop != 'refroi':
            rc.ReferencedROINumber = n
        seq = []
        for typ, pts in contours:
            c = Dataset(); c.ContourGeometricType = typ; c.NumberOfContourPoints = len(pts)
            c.ContourData = [v for p in pts for v in p]; seq.append(c)
        rc.ContourSequence = Sequence(seq); rcs.append(rc)
    ds.StructureSetROISequence = Sequence(ssr)
    if drop != 'roicontour':
        ds.ROIContourSequence = Sequence(rcs)
    ds.is_little_endian = True; ds.is_implicit_VR = False
    ds.save_as(path, write_like_original=False)
def square(x0, y0, x1, y1, z):
    return [(x0, y0, z), (x1, y0, z), (x1, y1, z), (x0, y1, z)]
# The CT grid in LPS: x = -25 + 1.0 i (i = 0..39 -> x -25..14), y = -30 + 1.2 j, z = -40 + 2.5 k.
# Contour edges on voxel boundaries (half-way between centres), so the rasterised area is
# the analytic one. Per slice: square A 20 x 24 mm (20 x 20 voxels) with a hole 6 x 7.2 mm
# (6 x 6 voxels), and square B 8 x 9.6 mm (8 x 8 voxels); on k = 1..5 (z = -37.5 .. -27.5).
cont = []
for k in range(1, 6):
    z = -40 + 2.5 * k
    cont.append(('CLOSED_PLANAR', square(-25.5, -30.6, -5.5, -6.6, z)))   # i 0..19, j 0..19
    cont.append(('CLOSED_PLANAR', square(-18.5, -21.0, -12.5, -13.8, z))) # hole i 7..12, j 8..13
    cont.append(('CLOSED_PLANAR', square(0.5, -30.6, 8.5, -21.0, z)))     # B: i 26..33, j 0..7
cont.append(('POINT', [(0.0, 0.0, -35.0)]))
cont.append(('OPEN_PLANAR', square(0, 0, 5, 5, -35.0)))
rtstruct('ext_rs.dcm', [('liver', cont)])
rtstruct('bad_noroicontour.dcm', [('liver', cont)], drop='roicontour')
rtstruct('bad_refroi.dcm', [('liver', cont)], drop='refroi')
rtstruct('bad_2points.dcm', [('liver', [('CLOSED_PLANAR', [(0, 0, -35.0), (5, 0, -35.0)])])])
PY
run_sirt ext convert ext_rs.dcm extmasks --grid ct.nii.gz
expect_rc 0 "pydicom RTSTRUCT (two contours per slice, a hole) -> masks"
expect_grep "$WORK/ext.err" "1 POINT contour(s) skipped" "POINT contour skipped with a visible note"
expect_grep "$WORK/ext.err" "1 OPEN contour(s) skipped" "OPEN contour skipped with a visible note"
# Analytic volume: (20*24 - 6*7.2 + 8*9.6) mm^2 x 2.5 mm x 5 slices
#   = (480 - 43.2 + 76.8) * 12.5 = 513.6 * 12.5 = 6420 mm^3 = 6.42 mL.
expect_grep "$WORK/ext.out" "6.420 mL" "volume = analytic area x thickness (6.420 mL)"
run_sirt extf convert ext_rs.dcm extmasksf --grid ct.nii.gz --fractional
expect_grep "$WORK/extf.out" "6.420 mL" "fractional volume = analytic (6.420 mL)"

# --- SEG written by pydicom: binary and fractional -----------------------------------------
"$PYTHON" - <<'PY' || fail "pydicom SEG generation"
import numpy as np, pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian
from pydicom.pixel_data_handlers.numpy_handler import pack_bits
def seg(path, fractional, nframes_claim=None):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.66.4'
    meta.MediaStorageSOPInstanceUID = '1.2.826.0.1.3680043.2.1125.2'
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset(); ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID; ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = 'SEG'; ds.PatientID = 'X'
    ds.SegmentationType = 'FRACTIONAL' if fractional else 'BINARY'
    ds.Rows, ds.Columns = 10, 12          # rows along y, columns along x
    ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = 'MONOCHROME2'
    ds.BitsAllocated = ds.BitsStored = 8 if fractional else 1
    ds.HighBit = ds.BitsStored - 1; ds.PixelRepresentation = 0
    if fractional:
        ds.MaximumFractionalValue = 255; ds.SegmentationFractionalType = 'PROBABILITY'
    segs = []
    for n, lab in ((1, 'tumour'), (2, 'liver')):
        s = Dataset(); s.SegmentNumber = n; s.SegmentLabel = lab; segs.append(s)
    ds.SegmentSequence = Sequence(segs)
    sh = Dataset()
    pm = Dataset(); pm.PixelSpacing = [2.0, 1.5]; pm.SliceThickness = 3.0; pm.SpacingBetweenSlices = 3.0
    po = Dataset(); po.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    sh.PixelMeasuresSequence = Sequence([pm]); sh.PlaneOrientationSequence = Sequence([po])
    ds.SharedFunctionalGroupsSequence = Sequence([sh])
    frames, pf = [], []
    # tumour on slices 0..2, liver on slices 1..4 (z = 10 + 3 k); frames not in z order
    for segno, ks in ((2, [4, 1, 2, 3]), (1, [0, 1, 2])):
        for k in ks:
            f = np.zeros((10, 12), np.uint8)
            if segno == 1:
                f[2:5, 3:7] = 128 if fractional else 1      # 3 x 4 pixels
            else:
                f[1:9, 1:11] = 255 if fractional else 1     # 8 x 10 pixels
            frames.append(f)
            it = Dataset()
            pp = Dataset(); pp.ImagePositionPatient = [-5.0, 7.0, 10.0 + 3.0 * k]
            si = Dataset(); si.ReferencedSegmentNumber = segno
            it.PlanePositionSequence = Sequence([pp]); it.SegmentIdentificationSequence = Sequence([si])
            pf.append(it)
    ds.PerFrameFunctionalGroupsSequence = Sequence(pf)
    ds.NumberOfFrames = nframes_claim if nframes_claim else len(frames)
    arr = np.stack(frames)
    ds.PixelData = arr.tobytes() if fractional else pack_bits(arr.ravel())
    ds.is_little_endian = True; ds.is_implicit_VR = False
    ds.save_as(path, write_like_original=False)
seg('seg_bin.dcm', False); seg('seg_frac.dcm', True); seg('bad_frames.dcm', False, 6)
PY
run_sirt segb convert seg_bin.dcm segb
expect_rc 0 "pydicom binary SEG -> masks on its own grid"
run_sirt segf convert seg_frac.dcm segf
expect_rc 0 "pydicom fractional SEG -> masks on its own grid"
# tumour: 3 x 4 pixels x 3 slices of 1.5 x 2 x 3 mm = 36 x 9 uL = 0.324 mL (fractional x128/255
# = 0.16264 mL); liver: 8 x 10 x 4 slices x 9 uL = 2.880 mL (255/255 in the fractional file).
"$PYTHON" - <<'PY' && pass "SEG: labels, volumes, fractions and geometry (origin, spacing) as written" || fail "SEG check"
import numpy as np, nibabel as nib
for d, tum in (('segb', 0.324), ('segf', 0.324 * 128 / 255)):
    t = nib.load(d + '/tumour.nii.gz'); l = nib.load(d + '/liver.nii.gz')
    vox = abs(np.linalg.det(t.affine[:3, :3])) / 1000
    assert abs(vox - 0.009) < 1e-9, vox
    assert abs(t.get_fdata().sum() * vox - tum) < 1e-6, (d, t.get_fdata().sum() * vox)
    assert abs(l.get_fdata().sum() * vox - 2.88) < 1e-6, (d, l.get_fdata().sum() * vox)
    assert t.shape == (12, 10, 5), t.shape
    # voxel (0,0,0) centre in LPS (-5, 7, 10) -> RAS (5, -7, 10)
    assert np.abs(t.affine[:3, 3] - [5, -7, 10]).max() < 1e-4, t.affine
    # tumour pixel rows 2..4, columns 3..6 on slices 0..2: i = column, j = row
    a = t.get_fdata()
    assert a[3:7, 2:5, 0:3].min() > 0 and a.astype(bool).sum() == 36
PY

# SEG onto another grid (sirt_mask_resample): a grid halving every spacing over the same
# extent, so each SEG voxel is exactly 8 target voxels and the volumes stay exact.
"$PYTHON" - <<'PY' || fail "fine grid generation"
import numpy as np, nibabel as nib
# SEG voxel (0,0,0) centre LPS (-5, 7, 10), spacing 1.5 x 2 x 3 mm; target centre of voxel 0
# = (-5 - 0.375, 7 - 0.5, 10 - 0.75) LPS = (5.375, -6.5, 9.25) RAS.
aff = np.array([[-0.75, 0, 0, 5.375], [0, -1.0, 0, -6.5], [0, 0, 1.5, 9.25], [0, 0, 0, 1]])
nib.save(nib.Nifti1Image(np.zeros((24, 20, 10), np.float32), aff), 'fine.nii.gz')
PY
run_sirt segg convert seg_frac.dcm segg --grid fine.nii.gz
expect_rc 0 "fractional SEG resampled onto a finer grid"
expect_grep "$WORK/segg.out" "2.880 mL" "resampled liver keeps 2.880 mL"
expect_grep "$WORK/segg.out" "0.163 mL" "resampled tumour keeps 0.324 x 128/255 = 0.163 mL"

# --- determinism: the same seed gives the same bytes ----------------------------------------
run_sirt ct2 convert ct.nii.gz ctdir2 --seed 5 --patient-id P1
run_sirt dose2 convert dose.nii.gz dose2.dcm --to rtdose --reference ctdir --seed 5
run_sirt rs2 convert masks rs2.dcm --to rtstruct --reference ctdir --seed 5
same=1
for f in ctdir/*.dcm; do cmp -s "$f" "ctdir2/$(basename "$f")" || same=0; done
cmp -s dose.dcm dose2.dcm || same=0
cmp -s rs.dcm rs2.dcm || same=0
[ "$same" = 1 ] && pass "same seed: CT series, RT Dose and RTSTRUCT byte-identical (cmp)" || fail "same seed gave other bytes"
run_sirt ct3 convert ct.nii.gz ctdir3 --seed 6 --patient-id P1
cmp -s ctdir/CT_00001.dcm ctdir3/CT_00001.dcm && fail "another seed gave the same bytes" || pass "another seed gives other UIDs"

# --- bad inputs: exit 1, the file named, nothing left -------------------------------------
bad() { # bad NAME INPUT OUTPUT WHAT ARGS...
  local name=$1 in=$2 out=$3 what=$4; shift 4
  run_sirt "$name" convert "$in" "$out" "$@"
  expect_rc 1 "$what"
  expect_grep "$WORK/$name.err" "$in" "$what: message names $in"
  if [ -e "$out" ] || ls -d "$out".* >/dev/null 2>&1; then fail "$what: output left behind"; else pass "$what: nothing left"; fi
}
bad bad1 bad_noroicontour.dcm bad1out "RTSTRUCT without ROIContourSequence" --grid ct.nii.gz
expect_grep "$WORK/bad1.err" "ROIContourSequence" "names ROIContourSequence"
bad bad2 bad_2points.dcm bad2out "contour with 2 points" --grid ct.nii.gz
expect_grep "$WORK/bad2.err" "2 point(s)" "says 2 points"
bad bad3 bad_refroi.dcm bad3out "ReferencedROINumber missing" --grid ct.nii.gz
expect_grep "$WORK/bad3.err" "ReferencedROINumber" "names ReferencedROINumber"
bad bad4 bad_frames.dcm bad4out "SEG with a bad frame count"
expect_grep "$WORK/bad4.err" "NumberOfFrames" "names NumberOfFrames"
mkdir full && echo x > full/keep.txt
run_sirt bad5 convert ct.nii.gz full --to dicom
expect_rc 1 "writing into a non-empty folder"
expect_grep "$WORK/bad5.err" "full" "message names the folder"
[ "$(ls full)" = "keep.txt" ] && ! ls -d full.* >/dev/null 2>&1 && pass "non-empty folder untouched, no temporary left" || fail "non-empty folder changed"

finish
