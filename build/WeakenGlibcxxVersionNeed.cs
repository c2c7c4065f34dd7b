// MSBuild inline task (RoslynCodeTaskFactory): see TorchSharpNativeFix.targets for why this exists.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenGlibcxxVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlgWeak = 0x2;
    private const ushort VerNdxGlobal = 1;

    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Version { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Libraries)
        {
            var path = item.GetMetadata("FullPath");
            try
            {
                var bytes = File.ReadAllBytes(path);
                var changed = Patch(bytes, Version, out var symbols);
                if (!changed)
                {
                    Log.LogMessage(MessageImportance.Low, $"{path}: no strong need on {Version}; left as is.");
                    continue;
                }
                // Write a new file and move it over the old one: never writes through a hard link into a package cache.
                var tmp = path + ".patching";
                File.WriteAllBytes(tmp, bytes);
                File.Delete(path);
                File.Move(tmp, path);
                Log.LogMessage(MessageImportance.High, $"TorchSharp native fix: {Path.GetFileName(path)} now needs {Version} weakly ({symbols} symbol(s) unversioned).");
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Log.LogError($"TorchSharp native fix: cannot patch {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>Marks the version need weak and unversions its symbols. Returns false when already weak or absent.</summary>
    private static bool Patch(byte[] b, string version, out int symbols)
    {
        symbols = 0;
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (b[4] != 2 || b[5] != 1)
            throw new InvalidDataException("not a little-endian 64-bit ELF file");

        var shoff = (long)U64(b, 0x28);
        int shentsize = U16(b, 0x3a);
        int shnum = U16(b, 0x3c);

        long verneedOff = -1, verneedCount = 0, versymOff = -1, versymSize = 0, strOff = -1;
        for (var i = 0; i < shnum; i++)
        {
            var sh = shoff + i * shentsize;
            var type = U32(b, sh + 4);
            var offset = (long)U64(b, sh + 0x18);
            var size = (long)U64(b, sh + 0x20);
            var link = (int)U32(b, sh + 0x28);
            var info = U32(b, sh + 0x2c);
            if (type == ShtGnuVerneed)
            {
                verneedOff = offset;
                verneedCount = info;
                var str = shoff + link * shentsize;
                strOff = (long)U64(b, str + 0x18);
            }
            else if (type == ShtGnuVersym)
            {
                versymOff = offset;
                versymSize = size;
            }
        }
        if (verneedOff < 0 || versymOff < 0)
            throw new InvalidDataException("no .gnu.version_r or .gnu.version section");

        // Elf64_Verneed { u16 vn_version, u16 vn_cnt, u32 vn_file, u32 vn_aux, u32 vn_next }
        // Elf64_Vernaux { u32 vna_hash, u16 vna_flags, u16 vna_other, u32 vna_name, u32 vna_next }
        var target = -1;
        var need = verneedOff;
        for (var n = 0; n < verneedCount; n++)
        {
            var vn = need;
            int count = U16(b, vn + 2);
            var aux = need + U32(b, vn + 8);
            for (var a = 0; a < count; a++)
            {
                var va = aux;
                var flags = U16(b, va + 4);
                int other = U16(b, va + 6);
                var name = ReadString(b, strOff + U32(b, va + 8));
                if (name == version && (flags & VerFlgWeak) == 0)
                {
                    W16(b, va + 4, (ushort)(flags | VerFlgWeak));
                    target = other;
                }
                aux += U32(b, va + 12);
            }
            need += U32(b, vn + 12);
        }
        if (target < 0)
            return false;

        for (long s = 0; s < versymSize / 2; s++)
        {
            var vs = versymOff + 2 * s;
            if ((U16(b, vs) & 0x7fff) == target)
            {
                W16(b, vs, VerNdxGlobal);
                symbols++;
            }
        }
        return true;
    }

    // ELF64 little-endian fields (the check above refuses big-endian files).
    private static ushort U16(byte[] b, long o) => (ushort)(b[o] | b[o + 1] << 8);
    private static uint U32(byte[] b, long o) => (uint)(U16(b, o) | U16(b, o + 2) << 16);
    private static ulong U64(byte[] b, long o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;
    private static void W16(byte[] b, long o, ushort v) { b[o] = (byte)v; b[o + 1] = (byte)(v >> 8); }

    private static string ReadString(byte[] b, long offset)
    {
        var end = Array.IndexOf(b, (byte)0, (int)offset);
        return Encoding.ASCII.GetString(b, (int)offset, end - (int)offset);
    }
}
