/*
 * bcryptprimitives.dll shim for the Wine smoke test (tests/windows/smoke.sh).
 *
 * Why: Rust std >= 1.78 gets its random bytes (HashMap seeds, ...) from
 * ProcessPrng in bcryptprimitives.dll, and imports it at load time. Wine 8
 * has no bcryptprimitives.dll, so a Rust .exe does not start under it:
 * c0000135 "DLL not found", exit code 53, silent under WINEDEBUG=-all.
 * This shim supplies ProcessPrng on top of RtlGenRandom (advapi32
 * SystemFunction036), which Wine does have.
 *
 * For the test tree only: smoke.sh copies it into the system32 of its
 * throw-away Wine prefix (with WINEDLLOVERRIDES=bcryptprimitives=n,b) and
 * it is NEVER shipped in the MSI: Windows has its own bcryptprimitives.dll.
 *
 * Build (smoke.sh does this itself):
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *       processprng.c processprng.def -ladvapi32
 */
#include <windows.h>
#include <ntsecapi.h> /* RtlGenRandom = SystemFunction036 */

/* Same contract as Windows: fill data[0..len), always TRUE. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    /* RtlGenRandom takes a ULONG (32-bit) length: feed it in chunks. */
    while (len > 0) {
        ULONG chunk = len > 0xFFFFFFFFu ? 0xFFFFFFFFu : (ULONG)len;
        if (!RtlGenRandom(data, chunk))
            return FALSE; /* never happens in practice; Windows never fails */
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
