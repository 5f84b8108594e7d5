/*
 * The register file the stub shows gdb: gdb's amd64 numbering (its
 * features/i386/64bit-{core,sse,segments,linux}.xml), described by the
 * target.xml below so gdb needs no guesswork.  x87 and SSE registers
 * come from the thread's FXSAVE image and are read-only here; the
 * general registers, rip, eflags (user-changeable bits), the TLS bases
 * and orig_rax can be written.
 */
#include "kernel/internal.h"

/* FXSAVE layout (Intel SDM vol. 1, table 10-2). */
#define FX_FCW		0
#define FX_FSW		2
#define FX_FTW		4	/* abridged: one bit per register */
#define FX_FOP		6
#define FX_FIP		8
#define FX_FDP		16
#define FX_MXCSR	24
#define FX_ST0		32	/* 16 bytes apart, 10 used */
#define FX_XMM0		160	/* 16 bytes apart */

/* eflags bits a debugger may change: CF PF AF ZF SF TF DF OF AC ID. */
#define EFLAGS_USER	0x240dd5ull

enum { R_RIP = 16, R_EFLAGS, R_CS, R_SS, R_DS, R_ES, R_FS, R_GS,
       R_ST0, R_FCTRL = 32, R_FSTAT, R_FTAG, R_FISEG, R_FIOFF, R_FOSEG,
       R_FOOFF, R_FOP, R_XMM0, R_MXCSR = 56, R_FSBASE, R_GSBASE,
       R_ORIG_RAX };
_Static_assert(R_ORIG_RAX + 1 == GDB_NREGS, "register count");

/* gdb's order of the first 16 against struct plat_regs. */
static uint64_t *
gpr(struct plat_regs *r, unsigned n)
{
	uint64_t *const map[16] = {
		&r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi,
		&r->rbp, &r->rsp, &r->r8, &r->r9, &r->r10, &r->r11,
		&r->r12, &r->r13, &r->r14, &r->r15,
	};
	return map[n];
}

size_t
gdb_reg_size(unsigned n)
{
	if (n < 16 || n == R_RIP || n == R_FSBASE || n == R_GSBASE ||
	    n == R_ORIG_RAX)
		return 8;
	if (n >= R_ST0 && n < R_ST0 + 8)
		return 10;
	if (n >= R_XMM0 && n < R_XMM0 + 16)
		return 16;
	return n < GDB_NREGS ? 4 : 0;
}

/* x87 tag word from the abridged one: valid (00) or empty (11). */
static uint32_t
full_tag(uint8_t abridged)
{
	uint32_t tag = 0;

	for (int i = 0; i < 8; i++)
		if (!(abridged & (1u << i)))
			tag |= 3u << (2 * i);
	return tag;
}

static uint32_t
fx32(const uint8_t *fx, unsigned off, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)fx[off + i] << (8 * i);
	return v;
}

/* Register n's raw little-endian bytes into raw; returns its size. */
static size_t
reg_raw(const struct gdb_regs *g, unsigned n, uint8_t *raw)
{
	struct plat_regs *r = (struct plat_regs *)&g->r;
	size_t size = gdb_reg_size(n);
	uint64_t v = 0;

	if (n >= R_ST0 && n < R_ST0 + 8) {
		memcpy(raw, g->fx + FX_ST0 + 16 * (n - R_ST0), 10);
		return 10;
	}
	if (n >= R_XMM0 && n < R_XMM0 + 16) {
		memcpy(raw, g->fx + FX_XMM0 + 16 * (n - R_XMM0), 16);
		return 16;
	}
	if (n < 16)
		v = *gpr(r, n);
	else switch (n) {
	case R_RIP: v = r->rip; break;
	case R_EFLAGS: v = r->rflags; break;
	case R_CS: v = r->cs; break;
	case R_SS: v = r->ss; break;
	case R_FCTRL: v = fx32(g->fx, FX_FCW, 2); break;
	case R_FSTAT: v = fx32(g->fx, FX_FSW, 2); break;
	case R_FTAG: v = full_tag(g->fx[FX_FTW]); break;
	case R_FIOFF: v = fx32(g->fx, FX_FIP, 4); break;
	case R_FOOFF: v = fx32(g->fx, FX_FDP, 4); break;
	case R_FOP: v = fx32(g->fx, FX_FOP, 2); break;
	case R_MXCSR: v = fx32(g->fx, FX_MXCSR, 4); break;
	case R_FSBASE: v = g->fs_base; break;
	case R_GSBASE: v = g->gs_base; break;
	case R_ORIG_RAX: v = r->orig_rax; break;
	default: v = 0; break;	/* ds es fs gs fiseg foseg: 0 in 64-bit */
	}
	for (size_t i = 0; i < size; i++)
		raw[i] = (uint8_t)(v >> (8 * i));
	return size;
}

size_t
gdb_reg_get(const struct gdb_regs *g, unsigned n, char *out)
{
	uint8_t raw[16];
	size_t size;

	if (gdb_reg_size(n) == 0)
		return 0;
	size = reg_raw(g, n, raw);
	return gdb_hex_encode(out, raw, size);
}

size_t
gdb_regs_get_all(const struct gdb_regs *g, char *out)
{
	size_t o = 0;

	for (unsigned n = 0; n < GDB_NREGS; n++)
		o += gdb_reg_get(g, n, out + o);
	return o;
}

int
gdb_reg_set(struct gdb_regs *g, unsigned n, const uint8_t *raw)
{
	size_t size = gdb_reg_size(n);
	uint64_t v = 0;

	if (size == 0)
		return -EINVAL;
	for (size_t i = 0; i < size && i < 8; i++)
		v |= (uint64_t)raw[i] << (8 * i);
	if (n < 16) {
		*gpr(&g->r, n) = v;
		return 0;
	}
	switch (n) {
	case R_RIP:
		if (v >= USER_MAX)
			return -EINVAL;	/* the guest resumes only in user space */
		g->r.rip = v;
		return 0;
	case R_EFLAGS:
		g->r.rflags = (g->r.rflags & ~EFLAGS_USER) | (v & EFLAGS_USER);
		return 0;
	case R_FSBASE: case R_GSBASE:
		if (v >= USER_MAX)
			return -EINVAL;
		*(n == R_FSBASE ? &g->fs_base : &g->gs_base) = v;
		return 0;
	case R_ORIG_RAX:
		g->r.orig_rax = v;
		return 0;
	default: {
		uint8_t cur[16];

		/* Read-only registers accept their own value (gdb's 'G'). */
		reg_raw(g, n, cur);
		return memcmp(cur, raw, size) == 0 ? 0 : -EINVAL;
	}
	}
}

#define REG(name, bits, type, group) \
	"<reg name=\"" name "\" bitsize=\"" #bits "\" type=\"" type "\"" \
	group "/>"
#define GEN(name)	REG(name, 64, "int64", "")
#define I32(name)	REG(name, 32, "int32", "")
#define FLT(name)	REG(name, 32, "int", " group=\"float\"")
#define ST(name)	REG(name, 80, "i387_ext", "")
#define XMM(name)	REG(name, 128, "vec128", "")

const char gdb_target_xml[] =
	"<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
	"<target><architecture>i386:x86-64</architecture>"
	"<osabi>GNU/Linux</osabi>"
	"<feature name=\"org.gnu.gdb.i386.core\">"
	"<flags id=\"i386_eflags\" size=\"4\">"
	"<field name=\"CF\" start=\"0\" end=\"0\"/>"
	"<field name=\"PF\" start=\"2\" end=\"2\"/>"
	"<field name=\"AF\" start=\"4\" end=\"4\"/>"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/>"
	"<field name=\"SF\" start=\"7\" end=\"7\"/>"
	"<field name=\"TF\" start=\"8\" end=\"8\"/>"
	"<field name=\"IF\" start=\"9\" end=\"9\"/>"
	"<field name=\"DF\" start=\"10\" end=\"10\"/>"
	"<field name=\"OF\" start=\"11\" end=\"11\"/>"
	"</flags>"
	GEN("rax") GEN("rbx") GEN("rcx") GEN("rdx") GEN("rsi") GEN("rdi")
	REG("rbp", 64, "data_ptr", "") REG("rsp", 64, "data_ptr", "")
	GEN("r8") GEN("r9") GEN("r10") GEN("r11") GEN("r12") GEN("r13")
	GEN("r14") GEN("r15")
	REG("rip", 64, "code_ptr", "")
	REG("eflags", 32, "i386_eflags", "")
	I32("cs") I32("ss") I32("ds") I32("es") I32("fs") I32("gs")
	ST("st0") ST("st1") ST("st2") ST("st3") ST("st4") ST("st5")
	ST("st6") ST("st7")
	FLT("fctrl") FLT("fstat") FLT("ftag") FLT("fiseg") FLT("fioff")
	FLT("foseg") FLT("fooff") FLT("fop")
	"</feature>"
	"<feature name=\"org.gnu.gdb.i386.sse\">"
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
	"<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
	"<field name=\"v2_double\" type=\"v2d\"/>"
	"<field name=\"v16_int8\" type=\"v16i8\"/>"
	"<field name=\"v8_int16\" type=\"v8i16\"/>"
	"<field name=\"v4_int32\" type=\"v4i32\"/>"
	"<field name=\"v2_int64\" type=\"v2i64\"/>"
	"<field name=\"uint128\" type=\"uint128\"/></union>"
	XMM("xmm0") XMM("xmm1") XMM("xmm2") XMM("xmm3") XMM("xmm4")
	XMM("xmm5") XMM("xmm6") XMM("xmm7") XMM("xmm8") XMM("xmm9")
	XMM("xmm10") XMM("xmm11") XMM("xmm12") XMM("xmm13") XMM("xmm14")
	XMM("xmm15")
	REG("mxcsr", 32, "int", " group=\"vector\"")
	"</feature>"
	"<feature name=\"org.gnu.gdb.i386.segments\">"
	REG("fs_base", 64, "int", "") REG("gs_base", 64, "int", "")
	"</feature>"
	"<feature name=\"org.gnu.gdb.i386.linux\">"
	REG("orig_rax", 64, "int", " regnum=\"59\"")
	"</feature></target>";
