using BpfMaps.Cli;

return BpfMapsTool.Run(args, ToolConsole.System());
