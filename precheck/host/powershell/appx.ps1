# Store (MSIX/AppX) packages of the current user, for the software inventory
# (precheck/inventory/windows.py): name, family name and version only, never the install path.
$apps = @(Get-AppxPackage | ForEach-Object {
    @{ name = [string]$_.Name; family = [string]$_.PackageFamilyName; version = [string]$_.Version }
})
,$apps
