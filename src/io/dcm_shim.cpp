/* The one thin C++ shim over DCMTK 3.6.7 (src/io/dcm_shim.h): load, navigate, fill and save
 * a dataset. No DICOM meaning here (that lives in C, src/io/dicom_*.c).
 *
 * Rules kept throughout: no C++ exception and no DCMTK error escapes into C (every entry
 * point is wrapped in try/catch and every OFCondition is checked); every failure becomes a
 * sirt_status whose message names the file; no globals of ours except the one-time codec
 * registration below. */
#include "io/dcm_shim.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <mutex>
#include <new>
#include <string>
#include <unistd.h>
#include <vector>

struct sirt_dcm_file {
    /* Declared before ff so it outlives the lazy-loading factories ff's elements hold. */
    std::vector<unsigned char> buffer; /* copy of the input of sirt__dcm_load_buffer */
    size_t source_size = 0;            /* bytes of the file or buffer read */
    DcmFileFormat ff;
    std::string name;     /* path or buffer name, for messages */
    std::string xfer_uid; /* transfer syntax as loaded */
};

namespace {

/* DCMTK keeps its decoders in a process-wide codec list (DcmCodecList) and its logger
 * configuration is process-wide too: neither can be scoped to one file. Registering twice
 * would add duplicate codecs, and registration is not thread-safe, so it is done exactly
 * once per process with std::call_once and never undone (the codecs stay reachable from
 * DCMTK's list until exit). This is the one piece of global state the project allows.
 * The logger is set to FATAL so malformed inputs do not print DCMTK warnings on stderr:
 * every problem reaches the user through our own error message instead. */
void register_codecs_once()
{
    static std::once_flag once;
    std::call_once(once, [] {
        OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
        DJDecoderRegistration::registerCodecs();     /* JPEG baseline/extended/lossless */
        DJLSDecoderRegistration::registerCodecs();   /* JPEG-LS */
        DcmRLEDecoderRegistration::registerCodecs(); /* RLE */
    });
}

DcmTagKey key_of(uint32_t tag)
{
    return DcmTagKey(static_cast<Uint16>(tag >> 16), static_cast<Uint16>(tag & 0xFFFFu));
}

DcmItem *as_item(const sirt_dcm_item *item)
{
    return reinterpret_cast<DcmItem *>(const_cast<sirt_dcm_item *>(item));
}

sirt_status fail(sirt_error *err, sirt_status st, const std::string &name, const char *what,
                 const char *detail)
{
    if (detail && *detail)
        return sirt_error_set(err, st, "path", "\"%s\": %s (%s)", name.c_str(), what, detail);
    return sirt_error_set(err, st, "path", "\"%s\": %s", name.c_str(), what);
}

/* A Part 10 file has "DICM" at byte 128; a bare dataset (no preamble) starts with a group
 * 0002 or 0008 tag in either byte order. Anything else is refused before DCMTK parses it,
 * because DCMTK's auto-detection will read arbitrary bytes as an implicit-VR dataset. */
bool looks_like_dicom(const unsigned char *p, size_t n)
{
    if (n >= 132 && std::memcmp(p + 128, "DICM", 4) == 0)
        return true;
    if (n < 8)
        return false;
    unsigned le = static_cast<unsigned>(p[0]) | (static_cast<unsigned>(p[1]) << 8);
    unsigned be = (static_cast<unsigned>(p[0]) << 8) | static_cast<unsigned>(p[1]);
    return le == 0x0002u || le == 0x0008u || be == 0x0008u;
}

/* Transfer syntax UID of what was read, from the meta header or the dataset's original. */
void record_xfer(sirt_dcm_file *f)
{
    OFString ts;
    DcmMetaInfo *meta = f->ff.getMetaInfo();
    if (meta && meta->findAndGetOFString(DCM_TransferSyntaxUID, ts).good() && !ts.empty()) {
        f->xfer_uid = ts.c_str();
        return;
    }
    DcmXfer x(f->ff.getDataset()->getOriginalXfer());
    f->xfer_uid = x.getXferID() ? x.getXferID() : "";
}

/* Lazy loading from memory. DCMTK loads large values from a file only when accessed, through
 * a stream factory; its buffer stream has no factory, so every value would be allocated at its
 * declared length while parsing (a 700-byte input can announce 2 GB). This buffer stream gives
 * a factory re-reading the caller's buffer (kept in sirt_dcm_file), so memory is bounded
 * exactly as for files, and check_lengths() can refuse impossible lengths before any load. */
class MemFactory : public DcmInputStreamFactory {
public:
    MemFactory(const unsigned char *b, size_t n, offile_off_t off) : b_(b), n_(n), off_(off) {}
    DcmInputStream *create() const override
    {
        DcmInputBufferStream *s = new DcmInputBufferStream();
        s->setBuffer(b_, static_cast<offile_off_t>(n_));
        s->setEos();
        if (off_ > 0)
            s->skip(off_);
        return s;
    }
    DcmInputStreamFactory *clone() const override { return new MemFactory(*this); }
    DcmInputStreamFactoryType ident() const override { return DFT_DcmInputFileStreamFactory; }

private:
    const unsigned char *b_;
    size_t n_;
    offile_off_t off_;
};

class MemStream : public DcmInputBufferStream {
public:
    MemStream(const unsigned char *b, size_t n) : b_(b), n_(n)
    {
        setBuffer(b, static_cast<offile_off_t>(n));
        setEos();
    }
    DcmInputStreamFactory *newFactory() const override { return new MemFactory(b_, n_, tell()); }

private:
    const unsigned char *b_;
    size_t n_;
};

/* Every element's declared length must fit in the source: checked on the length fields only
 * (lazy values are not loaded), so a corrupt length is refused before anything allocates it. */
sirt_status check_lengths(sirt_dcm_file *f, sirt_error *err)
{
    DcmItem *parts[2] = {f->ff.getMetaInfo(), f->ff.getDataset()};
    for (DcmItem *part : parts) {
        if (!part)
            continue;
        DcmStack stack;
        while (part->nextObject(stack, OFTrue).good()) {
            DcmObject *o = stack.top();
            if (!o || !o->isLeaf())
                continue;
            size_t len = o->getLength();
            if (len > f->source_size) {
                char d[160];
                DcmTag t = o->getTag();
                std::snprintf(d, sizeof d, "element (%04X,%04X) declares %zu bytes, the input "
                              "has %zu", (unsigned)t.getGroup(), (unsigned)t.getElement(), len,
                              f->source_size);
                return fail(err, SIRT_EFORMAT, f->name, "corrupt element length", d);
            }
        }
    }
    return SIRT_OK;
}

/* Values larger than this are loaded from the file only when first accessed (DCMTK's lazy
 * loading), so a header-only scan never reads pixel data. */
const Uint32 kLazyBytes = 4096;

std::string trim(const OFString &s)
{
    size_t b = 0, e = s.length();
    while (b < e && (s[b] == ' ' || s[b] == '\0'))
        b++;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\0'))
        e--;
    return std::string(s.c_str() + b, e - b);
}

DcmElement *find_elem(const sirt_dcm_item *item, uint32_t tag)
{
    if (!item)
        return nullptr;
    DcmElement *el = nullptr;
    if (as_item(item)->findAndGetElement(key_of(tag), el, OFFalse).bad())
        return nullptr;
    return el;
}

} // namespace

extern "C" {

sirt_status sirt__dcm_load(const char *path, int with_pixels, sirt_dcm_file **out,
                           sirt_error *err)
{
    *out = nullptr;
    std::string name = path ? path : "(null)";
    try {
        register_codecs_once();
        if (!path || !*path)
            return fail(err, SIRT_EINVAL, name, "no file name given", nullptr);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            return fail(err, SIRT_EIO, name, "cannot open DICOM file", std::strerror(errno));
        unsigned char head[132];
        ssize_t n = read(fd, head, sizeof head);
        close(fd);
        if (n < 0)
            return fail(err, SIRT_EIO, name, "cannot read DICOM file", std::strerror(errno));
        if (!looks_like_dicom(head, static_cast<size_t>(n)))
            return fail(err, SIRT_EFORMAT, name,
                        "not a DICOM file (no \"DICM\" marker at byte 128, and not a bare "
                        "dataset starting with group 0002 or 0008)",
                        nullptr);
        sirt_dcm_file *f = new (std::nothrow) sirt_dcm_file();
        if (!f)
            return fail(err, SIRT_ENOMEM, name, "out of memory", nullptr);
        f->name = name;
        OFCondition c;
        if (with_pixels)
            c = f->ff.loadFile(OFFilename(path), EXS_Unknown, EGL_noChange, kLazyBytes,
                               ERM_autoDetect);
        else
            c = f->ff.loadFileUntilTag(OFFilename(path), EXS_Unknown, EGL_noChange, kLazyBytes,
                                       ERM_autoDetect, DCM_PixelData);
        if (c.bad()) {
            delete f;
            return fail(err, SIRT_EFORMAT, name, "cannot parse DICOM (truncated or corrupt?)",
                        c.text());
        }
        struct stat sb;
        f->source_size = stat(path, &sb) == 0 ? static_cast<size_t>(sb.st_size) : 0;
        sirt_status st = check_lengths(f, err);
        if (st != SIRT_OK) {
            delete f;
            return st;
        }
        record_xfer(f);
        *out = f;
        return SIRT_OK;
    } catch (const std::bad_alloc &) {
        return fail(err, SIRT_ENOMEM, name, "out of memory", nullptr);
    } catch (...) {
        return fail(err, SIRT_EINTERNAL, name, "unexpected C++ exception in DCMTK", nullptr);
    }
}

sirt_status sirt__dcm_load_buffer(const void *data, size_t size, const char *name,
                                  sirt_dcm_file **out, sirt_error *err)
{
    *out = nullptr;
    std::string nm = name ? name : "(buffer)";
    try {
        register_codecs_once();
        if (!data || size == 0)
            return fail(err, SIRT_EFORMAT, nm, "empty buffer", nullptr);
        if (size > 0xFFFFFFF0u)
            return fail(err, SIRT_ERANGE, nm, "buffer larger than 4 GiB", nullptr);
        if (!looks_like_dicom(static_cast<const unsigned char *>(data), size))
            return fail(err, SIRT_EFORMAT, nm,
                        "not DICOM (no \"DICM\" marker at byte 128, and not a bare dataset "
                        "starting with group 0002 or 0008)",
                        nullptr);
        sirt_dcm_file *f = new (std::nothrow) sirt_dcm_file();
        if (!f)
            return fail(err, SIRT_ENOMEM, nm, "out of memory", nullptr);
        f->name = nm;
        f->buffer.assign(static_cast<const unsigned char *>(data),
                         static_cast<const unsigned char *>(data) + size);
        f->source_size = size;
        MemStream is(f->buffer.data(), f->buffer.size());
        f->ff.transferInit();
        OFCondition c = f->ff.read(is, EXS_Unknown, EGL_noChange, kLazyBytes);
        f->ff.transferEnd();
        if (c.good() && !is.eos())
            c = EC_StreamNotifyClient;
        if (c.bad()) {
            delete f;
            return fail(err, SIRT_EFORMAT, nm, "cannot parse DICOM (truncated or corrupt?)",
                        c == EC_StreamNotifyClient ? "premature end of data" : c.text());
        }
        sirt_status st = check_lengths(f, err);
        if (st != SIRT_OK) {
            delete f;
            return st;
        }
        record_xfer(f);
        *out = f;
        return SIRT_OK;
    } catch (const std::bad_alloc &) {
        return fail(err, SIRT_ENOMEM, nm, "out of memory", nullptr);
    } catch (...) {
        return fail(err, SIRT_EINTERNAL, nm, "unexpected C++ exception in DCMTK", nullptr);
    }
}

void sirt__dcm_free(sirt_dcm_file *file)
{
    try {
        delete file;
    } catch (...) {
    }
}

sirt_dcm_item *sirt__dcm_root(sirt_dcm_file *file)
{
    if (!file)
        return nullptr;
    return reinterpret_cast<sirt_dcm_item *>(static_cast<DcmItem *>(file->ff.getDataset()));
}

const char *sirt__dcm_transfer_syntax(const sirt_dcm_file *file)
{
    return file ? file->xfer_uid.c_str() : "";
}

int sirt__dcm_has(const sirt_dcm_item *item, uint32_t tag)
{
    try {
        return item && as_item(item)->tagExists(key_of(tag), OFFalse) ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

int sirt__dcm_get_string(const sirt_dcm_item *item, uint32_t tag, char *buf, size_t size)
{
    if (!buf || size == 0)
        return 0;
    buf[0] = '\0';
    try {
        DcmElement *el = find_elem(item, tag);
        if (!el || el->getLength() == 0 || el->ident() == EVR_SQ)
            return 0;
        OFString s;
        if (el->getOFStringArray(s).bad())
            return 0;
        std::string t = trim(s);
        if (t.empty())
            return 0;
        if (t.size() >= size) {
            std::memcpy(buf, t.data(), size - 1);
            buf[size - 1] = '\0';
            return 0;
        }
        std::memcpy(buf, t.c_str(), t.size() + 1);
        return 1;
    } catch (...) {
        buf[0] = '\0';
        return 0;
    }
}

size_t sirt__dcm_vm(const sirt_dcm_item *item, uint32_t tag)
{
    try {
        DcmElement *el = find_elem(item, tag);
        if (!el || el->getLength() == 0)
            return 0;
        return static_cast<size_t>(el->getVM());
    } catch (...) {
        return 0;
    }
}

int sirt__dcm_get_double(const sirt_dcm_item *item, uint32_t tag, size_t index, double *out)
{
    try {
        DcmElement *el = find_elem(item, tag);
        if (!el || !out || el->getLength() == 0 || index >= el->getVM() ||
            index > 0xFFFFFFFFu)
            return 0;
        const unsigned long pos = static_cast<unsigned long>(index);
        double v = 0.0;
        OFCondition c = EC_IllegalCall;
        switch (el->ident()) {
        case EVR_US: { Uint16 x; c = el->getUint16(x, pos); v = x; break; }
        case EVR_SS: { Sint16 x; c = el->getSint16(x, pos); v = x; break; }
        case EVR_UL: { Uint32 x; c = el->getUint32(x, pos); v = x; break; }
        case EVR_SL: { Sint32 x; c = el->getSint32(x, pos); v = x; break; }
        case EVR_FL: { Float32 x; c = el->getFloat32(x, pos); v = x; break; }
        case EVR_FD: { Float64 x; c = el->getFloat64(x, pos); v = x; break; }
        case EVR_SQ:
        case EVR_OB: case EVR_OW: case EVR_OF: case EVR_OD: case EVR_OL: case EVR_UN:
        case EVR_ox: case EVR_px: case EVR_pixelItem: case EVR_pixelSQ:
            return 0;
        default: {
            /* DS, IS and any other string VR: parse the text ourselves, strictly. */
            OFString s;
            c = el->getOFString(s, pos);
            if (c.bad())
                return 0;
            std::string t = trim(s);
            if (t.empty())
                return 0;
            char *end = nullptr;
            errno = 0;
            v = std::strtod(t.c_str(), &end);
            if (end == t.c_str() || *end != '\0' || errno == ERANGE)
                return 0;
            break;
        }
        }
        if (c.bad() || !std::isfinite(v))
            return 0;
        *out = v;
        return 1;
    } catch (...) {
        return 0;
    }
}

size_t sirt__dcm_seq_count(const sirt_dcm_item *item, uint32_t tag)
{
    try {
        if (!item)
            return 0;
        DcmSequenceOfItems *seq = nullptr;
        if (as_item(item)->findAndGetSequence(key_of(tag), seq, OFFalse).bad() || !seq)
            return 0;
        return static_cast<size_t>(seq->card());
    } catch (...) {
        return 0;
    }
}

sirt_dcm_item *sirt__dcm_seq_item(const sirt_dcm_item *item, uint32_t tag, size_t index)
{
    try {
        if (!item)
            return nullptr;
        DcmSequenceOfItems *seq = nullptr;
        if (as_item(item)->findAndGetSequence(key_of(tag), seq, OFFalse).bad() || !seq)
            return nullptr;
        if (index >= seq->card())
            return nullptr;
        DcmItem *it = seq->getItem(static_cast<unsigned long>(index));
        return reinterpret_cast<sirt_dcm_item *>(it);
    } catch (...) {
        return nullptr;
    }
}

sirt_status sirt__dcm_get_pixels(sirt_dcm_file *file, double *out, size_t count,
                                 sirt_error *err)
{
    if (!file)
        return sirt_error_set(err, SIRT_EINVAL, "path", "no DICOM file given");
    const std::string &nm = file->name;
    try {
        register_codecs_once();
        DcmDataset *ds = file->ff.getDataset();
        Uint16 rows = 0, cols = 0, alloc = 0, stored = 0, rep = 0, spp = 1;
        if (ds->findAndGetUint16(DCM_Rows, rows).bad() || rows == 0)
            return fail(err, SIRT_EFORMAT, nm, "Rows (0028,0010) missing or 0", nullptr);
        if (ds->findAndGetUint16(DCM_Columns, cols).bad() || cols == 0)
            return fail(err, SIRT_EFORMAT, nm, "Columns (0028,0011) missing or 0", nullptr);
        if (ds->findAndGetUint16(DCM_SamplesPerPixel, spp).good() && spp != 1) {
            char d[64];
            std::snprintf(d, sizeof d, "SamplesPerPixel %u, accepted 1", (unsigned)spp);
            return fail(err, SIRT_EUNSUPPORTED, nm, "colour images are not supported", d);
        }
        Sint32 frames = 1;
        OFString fs;
        if (ds->findAndGetOFString(DCM_NumberOfFrames, fs).good() && !trim(fs).empty()) {
            if (ds->findAndGetSint32(DCM_NumberOfFrames, frames).bad() || frames < 1) {
                return fail(err, SIRT_EFORMAT, nm, "NumberOfFrames (0028,0008) invalid",
                            fs.c_str());
            }
        }
        const size_t announced = static_cast<size_t>(rows) * cols * static_cast<size_t>(frames);
        if (announced != count) {
            char d[160];
            std::snprintf(d, sizeof d, "header announces %zu values (%u x %u x %ld), caller "
                          "expects %zu", announced, (unsigned)rows, (unsigned)cols,
                          (long)frames, count);
            return fail(err, SIRT_EFORMAT, nm, "pixel count mismatch", d);
        }
        if (!out)
            return fail(err, SIRT_EINVAL, nm, "no output buffer", nullptr);

        /* Float pixel data first: no rescale, no bit fiddling. */
        if (ds->tagExists(DCM_FloatPixelData, OFFalse)) {
            const Float32 *p = nullptr;
            unsigned long n = 0;
            if (ds->findAndGetFloat32Array(DCM_FloatPixelData, p, &n).bad() || !p || n != count)
                return fail(err, SIRT_EFORMAT, nm, "FloatPixelData length does not match "
                            "Rows x Columns x NumberOfFrames", nullptr);
            for (size_t i = 0; i < count; i++)
                out[i] = p[i];
            return SIRT_OK;
        }
        if (ds->tagExists(DCM_DoubleFloatPixelData, OFFalse)) {
            const Float64 *p = nullptr;
            unsigned long n = 0;
            if (ds->findAndGetFloat64Array(DCM_DoubleFloatPixelData, p, &n).bad() || !p ||
                n != count)
                return fail(err, SIRT_EFORMAT, nm, "DoubleFloatPixelData length does not "
                            "match Rows x Columns x NumberOfFrames", nullptr);
            for (size_t i = 0; i < count; i++)
                out[i] = p[i];
            return SIRT_OK;
        }

        if (ds->findAndGetUint16(DCM_BitsAllocated, alloc).bad())
            return fail(err, SIRT_EFORMAT, nm, "BitsAllocated (0028,0100) missing", nullptr);
        if (alloc != 1 && alloc != 8 && alloc != 16 && alloc != 32) {
            char d[64];
            std::snprintf(d, sizeof d, "BitsAllocated %u, accepted 1, 8, 16, 32", (unsigned)alloc);
            return fail(err, SIRT_EUNSUPPORTED, nm, "unsupported pixel size", d);
        }
        if (ds->findAndGetUint16(DCM_BitsStored, stored).bad() || stored == 0 || stored > alloc)
            stored = alloc;
        if (ds->findAndGetUint16(DCM_PixelRepresentation, rep).bad())
            rep = 0;
        if (!ds->tagExists(DCM_PixelData, OFFalse))
            return fail(err, SIRT_EFORMAT, nm, "no PixelData (7FE0,0010)", nullptr);

        /* Decompress encapsulated syntaxes (RLE, JPEG, JPEG-LS) in place. */
        DcmXfer orig(ds->getOriginalXfer());
        if (orig.isEncapsulated()) {
            OFCondition c = ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
            if (c.bad() || !ds->canWriteXfer(EXS_LittleEndianExplicit))
                return fail(err, SIRT_EUNSUPPORTED, nm, "cannot decompress pixel data",
                            c.bad() ? c.text() : orig.getXferName());
        }
        DcmElement *px = nullptr;
        if (ds->findAndGetElement(DCM_PixelData, px).bad() || !px)
            return fail(err, SIRT_EFORMAT, nm, "no PixelData (7FE0,0010)", nullptr);
        OFCondition lc = px->loadAllDataIntoMemory();
        if (lc.bad())
            return fail(err, SIRT_EFORMAT, nm, "cannot read PixelData (truncated file?)",
                        lc.text());
        const size_t have_bytes = px->getLength();
        const size_t need_bytes = alloc == 1 ? (count + 7) / 8 : count * (alloc / 8);
        if (have_bytes < need_bytes) {
            char d[128];
            std::snprintf(d, sizeof d, "%zu bytes present, %zu needed", have_bytes, need_bytes);
            return fail(err, SIRT_EFORMAT, nm, "PixelData too short", d);
        }
        const unsigned shift = 32u - stored;
        auto extend = [&](uint32_t raw) -> double {
            /* Keep the low BitsStored bits; sign-extend when PixelRepresentation is 1. */
            uint32_t v = stored >= 32 ? raw : (raw & ((1u << stored) - 1u));
            if (rep == 1) {
                int32_t s = static_cast<int32_t>(v << shift) >> shift;
                return static_cast<double>(s);
            }
            return static_cast<double>(v);
        };
        if (alloc == 16 || alloc == 32) {
            Uint16 *w = nullptr;
            OFCondition c = px->getUint16Array(w);
            if (c.bad() || !w)
                return fail(err, SIRT_EFORMAT, nm, "cannot read PixelData as words", c.text());
            if (alloc == 16) {
                for (size_t i = 0; i < count; i++)
                    out[i] = extend(w[i]);
            } else {
                /* Words are in host order; the file stored the low word first in little
                 * endian syntaxes and the high word first in big endian ones. */
                const bool big = orig.getByteOrder() == EBO_BigEndian;
                for (size_t i = 0; i < count; i++) {
                    uint32_t a = w[2 * i], b = w[2 * i + 1];
                    uint32_t raw = big ? ((a << 16) | b) : ((b << 16) | a);
                    out[i] = extend(raw);
                }
            }
        } else {
            Uint8 *b = nullptr;
            OFCondition c = px->getUint8Array(b);
            if (c.bad() || !b)
                return fail(err, SIRT_EFORMAT, nm, "cannot read PixelData as bytes", c.text());
            if (alloc == 8) {
                for (size_t i = 0; i < count; i++)
                    out[i] = extend(b[i]);
            } else {
                /* 1-bit: least significant bit first (PS3.5 §8.1.1). */
                for (size_t i = 0; i < count; i++)
                    out[i] = (b[i / 8] >> (i % 8)) & 1u;
            }
        }
        return SIRT_OK;
    } catch (const std::bad_alloc &) {
        return fail(err, SIRT_ENOMEM, nm, "out of memory reading pixels", nullptr);
    } catch (...) {
        return fail(err, SIRT_EINTERNAL, nm, "unexpected C++ exception in DCMTK", nullptr);
    }
}

/* --- writing ------------------------------------------------------------------------ */

sirt_status sirt__dcm_new(sirt_dcm_file **out, sirt_error *err)
{
    *out = nullptr;
    try {
        register_codecs_once();
        sirt_dcm_file *f = new (std::nothrow) sirt_dcm_file();
        if (!f)
            return sirt_error_set(err, SIRT_ENOMEM, "dicom", "out of memory");
        f->name = "(new dataset)";
        f->xfer_uid = UID_LittleEndianExplicitTransferSyntax;
        *out = f;
        return SIRT_OK;
    } catch (...) {
        return sirt_error_set(err, SIRT_ENOMEM, "dicom", "out of memory");
    }
}

namespace {
sirt_status put_fail(sirt_error *err, uint32_t tag, const char *what, const char *detail)
{
    return sirt_error_set(err, SIRT_EINVAL, "dicom", "(%04X,%04X): %s%s%s",
                          (unsigned)(tag >> 16), (unsigned)(tag & 0xFFFFu), what,
                          detail ? ": " : "", detail ? detail : "");
}

/* Shortest decimal text of at most 16 characters (DS, PS3.5 §6.2) that reads back as close
 * to v as 16 characters allow. */
bool format_ds(double v, char *buf, size_t size)
{
    for (int prec = 1; prec <= 17; prec++) {
        int n = std::snprintf(buf, size, "%.*g", prec, v);
        if (n > 0 && n <= 16 && std::strtod(buf, nullptr) == v)
            return true;
    }
    for (int prec = 16; prec >= 1; prec--) {
        int n = std::snprintf(buf, size, "%.*g", prec, v);
        if (n > 0 && n <= 16)
            return true;
    }
    return false;
}
} // namespace

sirt_status sirt__dcm_put_string(sirt_dcm_item *item, uint32_t tag, const char *value,
                                 sirt_error *err)
{
    try {
        if (!item || !value)
            return put_fail(err, tag, "no item or value", nullptr);
        OFCondition c = as_item(item)->putAndInsertString(DcmTag(key_of(tag)), value, OFTrue);
        if (c.bad())
            return put_fail(err, tag, "cannot put value", c.text());
        return SIRT_OK;
    } catch (const std::bad_alloc &) {
        return sirt_error_set(err, SIRT_ENOMEM, "dicom", "out of memory");
    } catch (...) {
        return put_fail(err, tag, "unexpected C++ exception in DCMTK", nullptr);
    }
}

sirt_status sirt__dcm_put_numbers(sirt_dcm_item *item, uint32_t tag, const double *values,
                                  size_t n, sirt_error *err)
{
    try {
        if (!item || (!values && n > 0))
            return put_fail(err, tag, "no item or values", nullptr);
        for (size_t i = 0; i < n; i++)
            if (!std::isfinite(values[i]))
                return put_fail(err, tag, "value is not finite", nullptr);
        DcmTag dtag(key_of(tag));
        const DcmEVR vr = dtag.getEVR();
        if (vr == EVR_US || vr == EVR_SS || vr == EVR_UL || vr == EVR_SL || vr == EVR_FL ||
            vr == EVR_FD) {
            DcmElement *el = DcmItem::newDicomElement(dtag);
            if (!el)
                return put_fail(err, tag, "cannot create element", nullptr);
            OFCondition c = EC_Normal;
            for (size_t i = 0; i < n && c.good(); i++) {
                const double v = values[i];
                const unsigned long pos = static_cast<unsigned long>(i);
                auto out_of = [&](double lo, double hi) {
                    return v < lo || v > hi || v != std::floor(v);
                };
                switch (vr) {
                case EVR_US:
                    if (out_of(0, 65535)) c = EC_ValueRepresentationViolated;
                    else c = el->putUint16(static_cast<Uint16>(v), pos);
                    break;
                case EVR_SS:
                    if (out_of(-32768, 32767)) c = EC_ValueRepresentationViolated;
                    else c = el->putSint16(static_cast<Sint16>(v), pos);
                    break;
                case EVR_UL:
                    if (out_of(0, 4294967295.0)) c = EC_ValueRepresentationViolated;
                    else c = el->putUint32(static_cast<Uint32>(v), pos);
                    break;
                case EVR_SL:
                    if (out_of(-2147483648.0, 2147483647.0)) c = EC_ValueRepresentationViolated;
                    else c = el->putSint32(static_cast<Sint32>(v), pos);
                    break;
                case EVR_FL: c = el->putFloat32(static_cast<Float32>(v), pos); break;
                default: c = el->putFloat64(v, pos); break;
                }
            }
            if (c.good())
                c = as_item(item)->insert(el, OFTrue);
            else
                delete el;
            if (c.bad())
                return put_fail(err, tag, "cannot put numbers (integer VR needs integers in "
                                "range)", c.text());
            return SIRT_OK;
        }
        /* DS, IS and other text VRs: formatted, joined by '\'. */
        std::string text;
        for (size_t i = 0; i < n; i++) {
            char buf[40];
            if (vr == EVR_IS) {
                if (values[i] != std::floor(values[i]) || std::fabs(values[i]) > 2147483647.0)
                    return put_fail(err, tag, "IS value is not a 32-bit integer", nullptr);
                std::snprintf(buf, sizeof buf, "%.0f", values[i]);
            } else if (!format_ds(values[i], buf, sizeof buf)) {
                return put_fail(err, tag, "value does not fit 16 characters", nullptr);
            }
            if (i)
                text += '\\';
            text += buf;
        }
        OFCondition c = as_item(item)->putAndInsertString(dtag, text.c_str(), OFTrue);
        if (c.bad())
            return put_fail(err, tag, "cannot put value", c.text());
        return SIRT_OK;
    } catch (const std::bad_alloc &) {
        return sirt_error_set(err, SIRT_ENOMEM, "dicom", "out of memory");
    } catch (...) {
        return put_fail(err, tag, "unexpected C++ exception in DCMTK", nullptr);
    }
}

sirt_status sirt__dcm_seq_append(sirt_dcm_item *item, uint32_t tag, sirt_dcm_item **out,
                                 sirt_error *err)
{
    if (out)
        *out = nullptr;
    try {
        if (!item || !out)
            return put_fail(err, tag, "no item", nullptr);
        DcmItem *created = nullptr;
        /* -2: append a new item (DcmItem::findOrCreateSequenceItem). */
        OFCondition c = as_item(item)->findOrCreateSequenceItem(key_of(tag), created, -2);
        if (c.bad() || !created)
            return put_fail(err, tag, "cannot append sequence item", c.bad() ? c.text() : nullptr);
        *out = reinterpret_cast<sirt_dcm_item *>(created);
        return SIRT_OK;
    } catch (const std::bad_alloc &) {
        return sirt_error_set(err, SIRT_ENOMEM, "dicom", "out of memory");
    } catch (...) {
        return put_fail(err, tag, "unexpected C++ exception in DCMTK", nullptr);
    }
}

sirt_status sirt__dcm_put_pixels(sirt_dcm_item *item, const void *words, size_t count, int bits,
                                 sirt_error *err)
{
    const uint32_t tag = SIRT_DCM_TAG(0x7FE0, 0x0010);
    try {
        if (!item || (!words && count > 0))
            return put_fail(err, tag, "no item or pixels", nullptr);
        if (bits != 16 && bits != 32)
            return put_fail(err, tag, "bits must be 16 or 32", nullptr);
        const size_t nwords = bits == 16 ? count : 2 * count;
        if (nwords > 0x7FFFFFFFu)
            return put_fail(err, tag, "too many pixels for one PixelData element", nullptr);
        OFCondition c;
        if (bits == 16) {
            c = as_item(item)->putAndInsertUint16Array(DCM_PixelData,
                                                       static_cast<const Uint16 *>(words),
                                                       static_cast<unsigned long>(nwords));
        } else {
            /* 32-bit values as pairs of 16-bit words, low word first: written as OW in
             * little endian, that is the 32-bit little endian value (portable to any host). */
            Uint16 *w = new (std::nothrow) Uint16[nwords ? nwords : 1];
            if (!w)
                return sirt_error_set(err, SIRT_ENOMEM, "dicom", "out of memory");
            const uint32_t *src = static_cast<const uint32_t *>(words);
            for (size_t i = 0; i < count; i++) {
                w[2 * i] = static_cast<Uint16>(src[i] & 0xFFFFu);
                w[2 * i + 1] = static_cast<Uint16>(src[i] >> 16);
            }
            c = as_item(item)->putAndInsertUint16Array(DCM_PixelData, w,
                                                       static_cast<unsigned long>(nwords));
            delete[] w;
        }
        if (c.bad())
            return put_fail(err, tag, "cannot put PixelData", c.text());
        return SIRT_OK;
    } catch (const std::bad_alloc &) {
        return sirt_error_set(err, SIRT_ENOMEM, "dicom", "out of memory");
    } catch (...) {
        return put_fail(err, tag, "unexpected C++ exception in DCMTK", nullptr);
    }
}

sirt_status sirt__dcm_save(sirt_dcm_file *file, const char *path, sirt_error *err)
{
    std::string nm = path ? path : "(null)";
    std::string tmp;
    try {
        if (!file || !path || !*path)
            return fail(err, SIRT_EINVAL, nm, "no dataset or path", nullptr);
        DcmDataset *ds = file->ff.getDataset();
        OFString cls, inst;
        if (ds->findAndGetOFString(DCM_SOPClassUID, cls).bad() || cls.empty() ||
            ds->findAndGetOFString(DCM_SOPInstanceUID, inst).bad() || inst.empty())
            return fail(err, SIRT_EINVAL, nm, "cannot save: SOPClassUID and SOPInstanceUID "
                        "are required for the meta header", nullptr);
        /* Temporary name in the same folder so rename() is atomic; mkstemp reserves it. */
        tmp = nm + ".tmp-XXXXXX";
        std::string buf(tmp);
        int fd = mkstemp(&buf[0]);
        if (fd < 0)
            return fail(err, SIRT_EIO, nm, "cannot create temporary file", std::strerror(errno));
        (void)fchmod(fd, 0644); /* mkstemp's 0600 would stick to the final file */
        close(fd);
        tmp = buf;
        /* The meta header is rebuilt from scratch (EWM_createNewMeta) from the dataset's SOP
         * UIDs and DCMTK's fixed implementation UID/version: no time or random value enters
         * it, so the bytes depend on the dataset only. */
        OFCondition c = file->ff.saveFile(OFFilename(tmp.c_str()), EXS_LittleEndianExplicit,
                                          EET_ExplicitLength, EGL_recalcGL, EPD_noChange, 0, 0,
                                          EWM_createNewMeta);
        if (c.bad()) {
            unlink(tmp.c_str());
            return fail(err, SIRT_EIO, nm, "cannot write DICOM file", c.text());
        }
        fd = open(tmp.c_str(), O_RDONLY);
        if (fd < 0 || fsync(fd) != 0) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            unlink(tmp.c_str());
            return fail(err, SIRT_EIO, nm, "cannot sync DICOM file", std::strerror(e));
        }
        close(fd);
        if (rename(tmp.c_str(), path) != 0) {
            int e = errno;
            unlink(tmp.c_str());
            return fail(err, SIRT_EIO, nm, "cannot rename temporary DICOM file", std::strerror(e));
        }
        file->name = nm;
        return SIRT_OK;
    } catch (const std::bad_alloc &) {
        if (!tmp.empty())
            unlink(tmp.c_str());
        return fail(err, SIRT_ENOMEM, nm, "out of memory", nullptr);
    } catch (...) {
        if (!tmp.empty())
            unlink(tmp.c_str());
        return fail(err, SIRT_EINTERNAL, nm, "unexpected C++ exception in DCMTK", nullptr);
    }
}

} // extern "C"
