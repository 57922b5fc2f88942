// Dumps what System.Reflection.Metadata reads from an assembly and its portable PDB, one fact
// a line, for ddcrash's reader tests to compare against:
//   mvid <16 bytes hex, as stored>
//   pdbid <20 bytes hex>
//   entry <token hex>
//   method <token hex> <IL size> <name>
//   sp <token hex> <il> <start line> <start column> <end line> <end column> <hidden 0|1> <document>
//   at <token hex> <il> <line> <column> <document>     (or: at <token hex> <il> none)
// "at" is the runtime's rule (StackTraceSymbols): the last non-hidden point at or before the
// IL offset, for every IL offset of the method body.
// Usage: PdbOracle <assembly> <pdb file | embedded>
using System;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text;

static class Program
{
    static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: PdbOracle <assembly> <pdb file | embedded>");
            return 2;
        }
        using var assemblyStream = File.OpenRead(args[0]);
        using var pe = new PEReader(assemblyStream);
        MetadataReader md = pe.GetMetadataReader();
        MetadataReaderProvider provider;
        if (args[1] == "embedded")
        {
            DebugDirectoryEntry entry = pe.ReadDebugDirectory()
                .First(e => e.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
            provider = pe.ReadEmbeddedPortablePdbDebugDirectoryData(entry);
        }
        else
        {
            provider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(args[1]));
        }
        using (provider)
        {
            MetadataReader pdb = provider.GetMetadataReader();
            var output = new StringBuilder();
            output.Append("mvid ").Append(Hex(md.GetGuid(md.GetModuleDefinition().Mvid).ToByteArray())).Append('\n');
            output.Append("pdbid ").Append(Hex(pdb.DebugMetadataHeader!.Id.ToArray())).Append('\n');
            output.Append("entry ").Append(MetadataTokens.GetToken(pdb.DebugMetadataHeader.EntryPoint).ToString("x8")).Append('\n');
            foreach (MethodDefinitionHandle handle in md.MethodDefinitions)
            {
                MethodDefinition method = md.GetMethodDefinition(handle);
                int token = MetadataTokens.GetToken(handle);
                int ilSize = method.RelativeVirtualAddress == 0 ? 0 : pe.GetMethodBody(method.RelativeVirtualAddress).Size;
                output.Append($"method {token:x8} {ilSize} {md.GetString(method.Name)}\n");
                MethodDebugInformation info = pdb.GetMethodDebugInformation(handle.ToDebugInformationHandle());
                SequencePoint[] points = info.SequencePointsBlob.IsNil ? Array.Empty<SequencePoint>() : info.GetSequencePoints().ToArray();
                foreach (SequencePoint p in points)
                {
                    string document = pdb.GetString(pdb.GetDocument(p.Document).Name);
                    output.Append($"sp {token:x8} {p.Offset} {p.StartLine} {p.StartColumn} {p.EndLine} {p.EndColumn} {(p.IsHidden ? 1 : 0)} {document}\n");
                }
                for (int il = 0; il < ilSize; il++)
                {
                    SequencePoint? best = null;
                    foreach (SequencePoint p in points)
                    {
                        if (p.Offset > il) break;
                        if (p.StartLine != SequencePoint.HiddenLine) best = p;
                    }
                    if (best is SequencePoint b)
                        output.Append($"at {token:x8} {il} {b.StartLine} {b.StartColumn} {pdb.GetString(pdb.GetDocument(b.Document).Name)}\n");
                    else
                        output.Append($"at {token:x8} {il} none\n");
                }
            }
            Console.Out.Write(output.ToString());
        }
        return 0;
    }
}
