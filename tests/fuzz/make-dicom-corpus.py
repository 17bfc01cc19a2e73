#!/usr/bin/python3
"""Write the fuzz_dicom seed corpus (tests/fuzz/corpus-dicom/): a few small DICOM files of a
few KB covering what the reader parses: a CT slice (explicit LE, signed 16-bit, rescale), a
PET slice with timing and a nested RadiopharmaceuticalInformationSequence (implicit LE), an NM
multi-frame with DetectorInformationSequence (unsigned 16-bit), an RT Dose (32-bit,
GridFrameOffsetVector), a big-endian 8-bit slice and an RLE-compressed one. Run once with
Debian's python3-pydicom (deterministic: fixed UIDs and values):
    /usr/bin/python3 tests/fuzz/make-dicom-corpus.py tests/fuzz/corpus-dicom
"""
import os
import sys

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian,
                         RLELossless)

out = sys.argv[1] if len(sys.argv) > 1 else "corpus-dicom"
os.makedirs(out, exist_ok=True)


def base(modality, sop_class, rows, cols, bits=16, signed=1):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPInstanceUID = "1.2.3.4.5.6." + str(int.from_bytes(modality.encode(), "big"))
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.Modality = modality
    ds.StudyInstanceUID = "1.2.3.4.5.1"
    ds.SeriesInstanceUID = "1.2.3.4.5.2." + str(len(modality))
    ds.FrameOfReferenceUID = "1.2.3.4.5.3"
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = bits
    ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = signed
    ds.PixelSpacing = [0.8, 0.6]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.ImagePositionPatient = [-10.5, 20.25, -30]
    return ds


def save(ds, name, ts):
    ds.file_meta.TransferSyntaxUID = ts
    ds.is_little_endian = ts != ExplicitVRBigEndian
    ds.is_implicit_VR = ts == ImplicitVRLittleEndian
    ds.save_as(os.path.join(out, name), write_like_original=False)


ct = base("CT", "1.2.840.10008.5.1.4.1.1.2", 16, 16)
ct.RescaleSlope, ct.RescaleIntercept = "1", "-1024"
ct.GantryDetectorTilt = 0
ct.SliceThickness = 2.5
ct.PixelData = (np.arange(256, dtype=np.int16) * 7 - 900).tobytes()
save(ct, "ct.dcm", ExplicitVRLittleEndian)

pt = base("PT", "1.2.840.10008.5.1.4.1.1.128", 8, 8)
pt.Units, pt.DecayCorrection = "BQML", "START"
pt.SeriesDate, pt.SeriesTime = "20261124", "100000"
pt.AcquisitionDate, pt.AcquisitionTime = "20261124", "100001.25"
pt.TimezoneOffsetFromUTC = "+0100"
pt.ActualFrameDuration = 120000
pt.RescaleSlope, pt.RescaleIntercept = 0.25, 0
rp = Dataset()
rp.RadiopharmaceuticalStartDateTime = "20261124090000.000000+0100"
rp.RadiopharmaceuticalStartTime = "090000"
rp.RadionuclideHalfLife = 6586.2
rp.RadionuclideTotalDose = 3.7e8
pt.RadiopharmaceuticalInformationSequence = [rp]
pt.PixelData = np.arange(64, dtype=np.int16).tobytes()
save(pt, "pet.dcm", ImplicitVRLittleEndian)

nm = base("NM", "1.2.840.10008.5.1.4.1.1.20", 8, 8, signed=0)
del nm.ImagePositionPatient, nm.ImageOrientationPatient
nm.NumberOfFrames = 3
nm.NumberOfSlices = 3
nm.SpacingBetweenSlices = 4.42
nm.Units = "CNTS"
det = Dataset()
det.ImagePositionPatient = [-15.47, -15.47, 100.0]
det.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
nm.DetectorInformationSequence = [det]
rw = Dataset()
rw.RealWorldValueSlope, rw.RealWorldValueIntercept = 2.0, 0.0
code = Dataset()
code.CodeValue = "Bq/ml"
rw.MeasurementUnitsCodeSequence = [code]
nm.RealWorldValueMappingSequence = [rw]
nm.PixelData = (np.arange(192, dtype=np.uint16) % 50).tobytes()
save(nm, "nm.dcm", ExplicitVRLittleEndian)

rd = base("RTDOSE", "1.2.840.10008.5.1.4.1.1.481.2", 4, 4, bits=32, signed=0)
rd.NumberOfFrames = 3
rd.GridFrameOffsetVector = [0, 2.5, 5]
rd.DoseGridScaling = 1e-4
rd.DoseUnits = "GY"
rd.PixelData = (np.arange(48, dtype=np.uint32) * 1000).tobytes()
save(rd, "rtdose.dcm", ExplicitVRLittleEndian)

be = base("MR", "1.2.840.10008.5.1.4.1.1.4", 8, 8, bits=8, signed=0)
be.PixelData = np.arange(64, dtype=np.uint8).tobytes()
save(be, "mr8_bigendian.dcm", ExplicitVRBigEndian)

rle = base("CT", "1.2.840.10008.5.1.4.1.1.2", 8, 8)
rle.PixelData = np.arange(64, dtype=np.int16).tobytes()
rle.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
rle.compress(RLELossless)
rle.is_little_endian, rle.is_implicit_VR = True, False
rle.save_as(os.path.join(out, "ct_rle.dcm"), write_like_original=False)
