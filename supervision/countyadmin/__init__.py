"""County administration without the Django admin (县级管理员): the accounts and posts inside the
county, the official names of the departments at the region, and sections other apps register
(the inspector directory). Every action goes through the write policy and is audited; the
Django admin stays for the system administrator."""
