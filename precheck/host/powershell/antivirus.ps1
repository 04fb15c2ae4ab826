# Antivirus: every product registered with Security Center, and Defender's own status.
# Each part has its own try: Server SKUs have no SecurityCenter2 namespace, and
# Get-MpComputerStatus fails (HRESULT 0x800106ba) when a third-party product turned Defender off.
# Dates go out as ISO 8601 ('o'), enums as strings: nothing depends on the display language.
$out = @{}
$out.security_center = $true
$out.products = try {
    @(Get-CimInstance -Namespace root/SecurityCenter2 -ClassName AntiVirusProduct -ErrorAction Stop | ForEach-Object {
        @{ name = [string]$_.displayName; state = [int64]$_.productState; timestamp = [string]$_.timestamp }
    })
} catch { $out.security_center = $false; @() }
$out.defender = try {
    $mp = Get-MpComputerStatus -ErrorAction Stop
    @{
        AMRunningMode = [string]$mp.AMRunningMode
        AMServiceEnabled = [bool]$mp.AMServiceEnabled
        RealTimeProtectionEnabled = [bool]$mp.RealTimeProtectionEnabled
        AntivirusSignatureAge = [int64]$mp.AntivirusSignatureAge
        AntivirusSignatureLastUpdated = if ($mp.AntivirusSignatureLastUpdated) { $mp.AntivirusSignatureLastUpdated.ToUniversalTime().ToString('o') } else { $null }
        DefenderSignaturesOutOfDate = [bool]$mp.DefenderSignaturesOutOfDate
        IsTamperProtected = [bool]$mp.IsTamperProtected
        ComputerState = [int64]$mp.ComputerState
    }
} catch { @{ error = [string]$_.Exception.Message } }
# Threats Defender still holds as active (MSFT_MpThreat.IsActive): only a count leaves here,
# never a threat's name or file path.
$out.active_threats = try {
    @(Get-MpThreat -ErrorAction Stop | Where-Object { $_.IsActive }).Count
} catch { $null }
$out
