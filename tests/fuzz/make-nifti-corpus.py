#!/usr/bin/python3
"""Write the fuzz_nifti seed corpus (tests/fuzz/corpus-nifti/): a few tiny single-file NIfTI
images (under 1 KB each) covering what the reader parses: NIfTI-1 float32 with a rotated sform
and the sirt unit tag, NIfTI-1 int16 with scl_slope/inter and a qform only, NIfTI-1 uint8 in
metres, NIfTI-2 float64 with a qform, a big-endian int32 NIfTI-1, and a 4-D image (refused).
Uncompressed: the fuzz target reads bytes, not gzip. Run once with Debian's python3-nibabel
(deterministic: fixed values):
    /usr/bin/python3 tests/fuzz/make-nifti-corpus.py tests/fuzz/corpus-nifti
"""
import os
import sys

import nibabel as nb
import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else "corpus-nifti"
os.makedirs(out, exist_ok=True)

c, s = np.cos(0.5), np.sin(0.5)
rot = np.array([[c, -s, 0, -10.5], [s, c, 0, 20.25], [0, 0, 2.5, -30.0], [0, 0, 0, 1]])

img = nb.Nifti1Image(np.linspace(-1, 1, 24, dtype=np.float32).reshape(2, 3, 4), rot)
img.header['descrip'] = b'sirt:unit=Bq/mL'
nb.save(img, os.path.join(out, 'float_sform.nii'))

q = nb.Nifti1Image((np.arange(27, dtype=np.int16) * 3 - 40).reshape(3, 3, 3), None)
q.set_qform(np.diag([1.5, 1.5, 3.0, 1.0]), code=1)
q.set_sform(None, code=0)
q.header.set_slope_inter(0.5, -10.0)
q.header['descrip'] = b'sirt:unit=HU'
nb.save(q, os.path.join(out, 'int16_qform_slope.nii'))

m = nb.Nifti1Image(np.arange(8, dtype=np.uint8).reshape(2, 2, 2), np.diag([0.002, 0.002, 0.003, 1]))
m.header.set_xyzt_units('meter')
nb.save(m, os.path.join(out, 'uint8_metres.nii'))

n2 = nb.Nifti2Image(np.arange(12, dtype=np.float64).reshape(3, 2, 2), None)
n2.set_qform(rot, code=1)
n2.header['descrip'] = b'sirt:unit=Gy'
nb.save(n2, os.path.join(out, 'nifti2_float64.nii'))

hdr = nb.Nifti1Header(endianness='>')
be = nb.Nifti1Image(np.arange(8, dtype='>i4').reshape(2, 2, 2), np.eye(4), header=hdr)
nb.save(be, os.path.join(out, 'int32_bigendian.nii'))

nb.save(nb.Nifti1Image(np.zeros((2, 2, 2, 2), np.float32), np.eye(4)), os.path.join(out, 'four_d.nii'))
